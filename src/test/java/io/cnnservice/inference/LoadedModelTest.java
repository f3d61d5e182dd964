package io.cnnservice.inference;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import io.cnnservice.architectures.ArchitectureCatalog;
import io.cnnservice.engine.EngineProperties;
import io.cnnservice.engine.EngineRuntime;
import io.cnnservice.models.ModelMetadata;
import io.cnnservice.models.ModelStore;
import io.cnnservice.models.ModelStoreProperties;
import io.cnnservice.models.Preprocessing;
import io.cnnservice.models.TestTimeViews;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The predictor pool of the shipped model, on the real engine. */
class LoadedModelTest {

	private final EngineRuntime runtime = new EngineRuntime(
			new EngineProperties(EngineProperties.DeviceChoice.CPU, 0, 0, true, "", true));

	private final ModelStore store = new ModelStore(new ModelStoreProperties(Path.of("model-store")),
			JsonMapper.builder().findAndAddModules().build());

	@Test
	void aBusyPoolRefusesInsteadOfSharingAPredictorAndRecovers() throws Exception {
		ModelMetadata metadata = this.store.latest("lenet-mnist");
		LoadedModel model = new LoadedModel(metadata, this.store.versionDir("lenet-mnist", metadata.version()),
				new ArchitectureCatalog(this.runtime), this.runtime.device(), 1);
		try {
			// a batch big enough to keep the only predictor busy for a while
			CompletableFuture<float[]> busy = CompletableFuture
				.supplyAsync(() -> predict(model, new float[8192 * 784], 10_000));
			while (model.idlePredictors() > 0 && !busy.isDone()) {
				Thread.onSpinWait();
			}
			assertThatThrownBy(() -> model.predict(new float[784], TestTimeViews.NONE, Integer.MAX_VALUE, 1, 1))
				.isInstanceOf(PoolSaturatedException.class)
				.hasMessageContaining("lenet-mnist");
			assertThat(busy.get()).hasSize(8192 * 10);
			assertThat(model.idlePredictors()).isEqualTo(1);
			float[] one = model.predict(new float[784], TestTimeViews.NONE, Integer.MAX_VALUE, 1000, 1);
			float sum = 0;
			for (float p : one) {
				sum += p;
			}
			assertThat(sum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
		}
		finally {
			model.close();
		}
		assertThat(model.retain()).isFalse();
	}

	@Test
	void aModelWithTestTimeShiftsAveragesTheLogitsOfTheMovedImages() throws Exception {
		ModelMetadata plain = this.store.latest("lenet-mnist");
		Preprocessing p = plain.preprocessing();
		ModelMetadata shifted = new ModelMetadata(plain.name(), plain.version(), plain.network(),
				new Preprocessing(p.colorMode(), p.mean(), p.std(), p.background(), null, null, 2), plain.request(),
				plain.metrics(), plain.parameters(), plain.provenance());
		Path dir = this.store.versionDir("lenet-mnist", plain.version());
		ArchitectureCatalog architectures = new ArchitectureCatalog(this.runtime);
		// an asymmetric blob off the centre, so the moves change the answer
		float[] image = new float[28 * 28];
		for (int r = 6; r < 20; r++) {
			for (int c = 8; c < 14 + r / 3; c++) {
				image[r * 28 + c] = 2.5f;
			}
		}
		LoadedModel served = new LoadedModel(shifted, dir, architectures, this.runtime.device(), 1);
		LoadedModel reference = new LoadedModel(plain, dir, architectures, this.runtime.device(), 1);
		try {
			// by hand: the image and its four moves by 2 pixels, one at a time without
			// views; log-probabilities differ from logits by a per-image constant, so
			// their mean gives the same softmax as the mean of the logits
			int[][] moves = { { 0, 0 }, { -2, 0 }, { 2, 0 }, { 0, -2 }, { 0, 2 } };
			double[] meanLog = new double[10];
			for (int[] move : moves) {
				float[] probabilities = reference.predict(moved(image, move[0], move[1]), TestTimeViews.NONE,
						Integer.MAX_VALUE, 1000, 1);
				for (int k = 0; k < 10; k++) {
					meanLog[k] += Math.log(probabilities[k]) / moves.length;
				}
			}
			double norm = 0;
			for (double v : meanLog) {
				norm += Math.exp(v);
			}
			float[] expected = new float[10];
			for (int k = 0; k < 10; k++) {
				expected[k] = (float) (Math.exp(meanLog[k]) / norm);
			}
			float[] actual = served.predict(image, shifted.preprocessing().views(), Integer.MAX_VALUE, 1000, 1);
			assertThat(actual).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-5f));
			// and the moves matter: the image alone scores differently
			float[] alone = reference.predict(image, TestTimeViews.NONE, Integer.MAX_VALUE, 1000, 1);
			assertThat(alone).isNotEqualTo(actual);
			// and a request that switches the views off gets the image alone from the
			// same predictors
			assertThat(served.predict(image, TestTimeViews.NONE, Integer.MAX_VALUE, 1000, 1)).containsExactly(alone);
			// a batch larger than one pass may hold (cnn.inference.max-batch) runs in
			// passes and gives each image the same answer
			TestTimeViews views = shifted.preprocessing().views();
			float[] five = new float[5 * image.length];
			for (int i = 0; i < 5; i++) {
				System.arraycopy(image, 0, five, i * image.length, image.length);
			}
			float[] passes = served.predict(five, views, 2 * views.count(), 1000, 1);
			assertThat(passes).hasSize(50);
			for (int i = 0; i < 5; i++) {
				assertThat(java.util.Arrays.copyOfRange(passes, i * 10, i * 10 + 10)).containsExactly(expected,
						org.assertj.core.data.Offset.offset(1e-5f));
			}
		}
		finally {
			served.close();
			reference.close();
		}
	}

	/** A 28x28 image moved by (dy, dx), the uncovered border zero. */
	private static float[] moved(float[] image, int dy, int dx) {
		float[] out = new float[image.length];
		for (int r = 0; r < 28; r++) {
			for (int c = 0; c < 28; c++) {
				int fromR = r - dy;
				int fromC = c - dx;
				if (fromR >= 0 && fromR < 28 && fromC >= 0 && fromC < 28) {
					out[r * 28 + c] = image[fromR * 28 + fromC];
				}
			}
		}
		return out;
	}

	private static float[] predict(LoadedModel model, float[] input, long timeout) {
		try {
			return model.predict(input, TestTimeViews.NONE, Integer.MAX_VALUE, timeout, 1);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
