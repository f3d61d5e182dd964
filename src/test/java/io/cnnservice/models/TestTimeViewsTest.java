package io.cnnservice.models;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The views on the real engine: where a single lit pixel ends up in each. */
class TestTimeViewsTest {

	@Test
	void countsOneViewPerMoveAndMirror() {
		assertThat(TestTimeViews.NONE.count()).isEqualTo(1);
		assertThat(new TestTimeViews(true, 0).count()).isEqualTo(2);
		assertThat(new TestTimeViews(false, 2).count()).isEqualTo(5);
		assertThat(new TestTimeViews(true, 2).count()).isEqualTo(10);
	}

	@Test
	void movesTheImageUpDownLeftAndRightAndMirrorsEachFillingWithZeros() {
		try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
			// one 5x5 image, lit at row 2, column 1
			float[] pixels = new float[25];
			pixels[2 * 5 + 1] = 1;
			NDArray x = manager.create(pixels, new Shape(1, 1, 5, 5));
			TestTimeViews views = new TestTimeViews(true, 1);
			List<List<Integer>> lit = new ArrayList<>();
			for (int i = 0; i < views.count(); i++) {
				lit.add(litPixels(views.view(x, i)));
			}
			// the image, up, down, left, right; then the mirror image (column 3) likewise
			assertThat(lit).containsExactly(List.of(2, 1), List.of(1, 1), List.of(3, 1), List.of(2, 0), List.of(2, 2),
					List.of(2, 3), List.of(1, 3), List.of(3, 3), List.of(2, 2), List.of(2, 4));
			// moved two to the left, the pixel falls off the edge and nothing is left lit
			assertThat(litPixels(new TestTimeViews(false, 2).view(x, 3))).isEmpty();
		}
	}

	@Test
	void averagesTheLogitsOfEachImageOverItsViews() {
		try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
			// three images of one value each: 0, 1, 2
			NDArray x = manager.create(new float[] { 0, 1, 2 }, new Shape(3, 1, 1, 1));
			TestTimeViews views = new TestTimeViews(true, 0);
			NDArray all = views.expand(x);
			assertThat(all.getShape()).isEqualTo(new Shape(6, 1, 1, 1));
			// "logits" of two classes: the pixel and ten times the view number
			float[] logits = new float[12];
			float[] values = all.toFloatArray();
			for (int i = 0; i < 6; i++) {
				logits[2 * i] = values[i];
				logits[2 * i + 1] = 10 * (i / 3);
			}
			float[] mean = views.mean(manager.create(logits, new Shape(6, 2))).toFloatArray();
			assertThat(mean).containsExactly(0, 5, 1, 5, 2, 5);
		}
	}

	/** Row and column of every non-zero pixel of a one-image, one-channel batch. */
	private static List<Integer> litPixels(NDArray view) {
		int width = (int) view.getShape().get(3);
		float[] values = view.toFloatArray();
		List<Integer> lit = new ArrayList<>();
		for (int i = 0; i < values.length; i++) {
			if (values[i] != 0) {
				lit.add(i / width);
				lit.add(i % width);
			}
		}
		return lit;
	}

}
