package io.cnnservice.training.loop;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.cnnservice.datasets.formats.ImageSet;
import io.cnnservice.training.api.TrainingRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BatchAssemblerTest {

	/**
	 * Three 2-channel 2x3 images whose pixel values encode (image, channel, position).
	 */
	private static ImageSet tiny() {
		byte[] pixels = new byte[3 * 2 * 6];
		for (int i = 0; i < pixels.length; i++) {
			pixels[i] = (byte) (i * 5);
		}
		return new ImageSet(pixels, new int[] { 2, 0, 1 }, 3, 2, 2, 3);
	}

	@Test
	void normalisesPerChannelInTheRequestedOrder() {
		ImageSet set = tiny();
		BatchAssembler assembler = new BatchAssembler(set, new float[] { 0.5f, 0.25f }, new float[] { 0.5f, 0.25f },
				null, TrainingRequest.Augment.NONE, 2);
		try (NDManager manager = NDManager.newBaseManager()) {
			NDArray x = assembler.images(manager, new int[] { 2, 0, 1 }, 0, 2, null);
			NDArray y = assembler.labels(manager, new int[] { 2, 0, 1 }, 0, 2);

			assertThat(x.getShape().getShape()).containsExactly(2, 2, 2, 3);
			float[] v = x.toFloatArray();
			// first row is image 2: its first channel-0 pixel is byte 24 * 5 = 120
			assertThat(v[0]).isCloseTo((120 / 255f - 0.5f) / 0.5f, within(1e-6f));
			// its first channel-1 pixel is byte 30 * 5 = 150, normalised with the second
			// channel's stats
			assertThat(v[6]).isCloseTo((150 / 255f - 0.25f) / 0.25f, within(1e-6f));
			assertThat(y.toLongArray()).containsExactly(1, 2);
		}
	}

	@Test
	void fillsEveryBatchSizeWhereverMallocPutsTheBuffer() {
		// 3x3 single-channel images: 36 bytes, so most batch sizes are not whole cache
		// lines, and 40 assemblers see many different malloc offsets
		int n = 40;
		byte[] pixels = new byte[n * 9];
		int[] labels = new int[n];
		for (int i = 0; i < pixels.length; i++) {
			pixels[i] = (byte) i;
		}
		for (int i = 0; i < n; i++) {
			labels[i] = i % 10;
		}
		ImageSet set = new ImageSet(pixels, labels, n, 1, 3, 3);
		int[] reversed = IntStream.range(0, n).map(i -> n - 1 - i).toArray();
		try (NDManager manager = NDManager.newBaseManager()) {
			for (int batch = 1; batch <= n; batch++) {
				BatchAssembler assembler = new BatchAssembler(set, new float[] { 0 }, new float[] { 1 }, null,
						TrainingRequest.Augment.NONE, batch);
				float[] x = assembler.images(manager, reversed, 0, batch, null).toFloatArray();
				long[] y = assembler.labels(manager, reversed, 0, batch).toLongArray();
				assertThat(x).hasSize(batch * 9);
				assertThat(x[batch * 9 - 1]).isCloseTo(((n - batch) * 9 + 8 & 0xFF) / 255f, within(1e-6f));
				assertThat(y).hasSize(batch);
				assertThat(y[batch - 1]).isEqualTo((n - batch) % 10);
			}
		}
	}

	@Test
	void appliesOnePermutationToEveryChannelPlane() {
		ImageSet set = tiny();
		int[] permutation = { 5, 4, 3, 2, 1, 0 };
		BatchAssembler plain = new BatchAssembler(set, new float[] { 0, 0 }, new float[] { 1, 1 }, null,
				TrainingRequest.Augment.NONE, 1);
		BatchAssembler permuted = new BatchAssembler(set, new float[] { 0, 0 }, new float[] { 1, 1 }, permutation,
				TrainingRequest.Augment.NONE, 1);
		try (NDManager manager = NDManager.newBaseManager()) {
			float[] a = plain.images(manager, new int[] { 1 }, 0, 1, null).toFloatArray();
			float[] b = permuted.images(manager, new int[] { 1 }, 0, 1, null).toFloatArray();
			for (int c = 0; c < 2; c++) {
				for (int p = 0; p < 6; p++) {
					assertThat(b[c * 6 + p]).isEqualTo(a[c * 6 + permutation[p]]);
				}
			}
		}
	}

	@Test
	void permutationsAreFixedBySeedAndCoverEveryPixel() {
		int[] p1 = BatchAssembler.permutation(784, 42);
		assertThat(BatchAssembler.permutation(784, 42)).isEqualTo(p1);
		assertThat(BatchAssembler.permutation(784, 43)).isNotEqualTo(p1);
		assertThat(IntStream.of(p1).sorted().toArray()).isEqualTo(IntStream.range(0, 784).toArray());
	}

	@Test
	void augmentationShiftsAndFlipsButKeepsPixelsFromTheSameImage() {
		int h = 8;
		int w = 8;
		byte[] pixels = new byte[h * w];
		for (int i = 0; i < pixels.length; i++) {
			pixels[i] = (byte) (i + 1);
		}
		ImageSet set = new ImageSet(pixels, new int[] { 0 }, 1, 1, h, w);
		BatchAssembler assembler = new BatchAssembler(set, new float[] { 0 }, new float[] { 1 / 255f }, null,
				TrainingRequest.Augment.FLIP_CROP, 1);
		Random random = new Random(3);
		boolean changed = false;
		try (NDManager manager = NDManager.newBaseManager()) {
			for (int trial = 0; trial < 20; trial++) {
				float[] v = assembler.images(manager, new int[] { 0 }, 0, 1, random).toFloatArray();
				for (float f : v) {
					// every value is padding (0) or one of the image's own pixels (1..64)
					assertThat(f).isBetween(0f, 64f);
					assertThat(f).isCloseTo(Math.round(f), within(1e-4f));
				}
				changed |= Math.abs(v[0] - 1f) > 1e-3;
			}
		}
		assertThat(changed).isTrue();
	}

	@Test
	void cutoutBlanksOneSquarePerImageWhereFlipCropBlanksOnlyBorders() {
		int side = 16;
		byte[] pixels = new byte[side * side];
		Arrays.fill(pixels, (byte) 255);
		// uniformly bright: after normalisation kept pixels are 1, blanked or padded ones
		// 0
		ImageSet set = new ImageSet(pixels, new int[] { 0 }, 1, 1, side, side);
		Set<List<Integer>> squares = new HashSet<>();
		for (TrainingRequest.Augment augment : List.of(TrainingRequest.Augment.FLIP_CROP,
				TrainingRequest.Augment.FLIP_CROP_CUTOUT)) {
			BatchAssembler assembler = new BatchAssembler(set, new float[] { 0 }, new float[] { 1 }, null, augment, 1);
			Random random = new Random(5);
			try (NDManager manager = NDManager.newBaseManager()) {
				for (int trial = 0; trial < 30; trial++) {
					float[] v = assembler.images(manager, new int[] { 0 }, 0, 1, random).toFloatArray();
					List<Integer> box = interiorBlanks(v, side);
					if (augment == TrainingRequest.Augment.FLIP_CROP) {
						assertThat(box).as("flip-crop blanks only whole border rows and columns").isNull();
						continue;
					}
					// the square is bigger than any shift, so part of it always shows
					assertThat(box).as("cutout blanks a square inside the image").isNotNull();
					int height = box.get(2) - box.get(0) + 1;
					int width = box.get(3) - box.get(1) + 1;
					assertThat(height).isLessThanOrEqualTo(BatchAssembler.CUTOUT);
					assertThat(width).isLessThanOrEqualTo(BatchAssembler.CUTOUT);
					for (int y = box.get(0); y <= box.get(2); y++) {
						for (int x = box.get(1); x <= box.get(3); x++) {
							assertThat(v[y * side + x]).isZero();
						}
					}
					squares.add(box);
				}
			}
		}
		assertThat(squares).as("the square moves from image to image").hasSizeGreaterThan(10);
	}

	/**
	 * Bounding box (top, left, bottom, right) of the zero pixels that are not in an
	 * all-zero row or column, or null if there are none.
	 */
	private static List<Integer> interiorBlanks(float[] v, int side) {
		boolean[] zeroRow = new boolean[side];
		boolean[] zeroColumn = new boolean[side];
		for (int i = 0; i < side; i++) {
			zeroRow[i] = true;
			zeroColumn[i] = true;
		}
		for (int y = 0; y < side; y++) {
			for (int x = 0; x < side; x++) {
				if (v[y * side + x] != 0f) {
					zeroRow[y] = false;
					zeroColumn[x] = false;
				}
			}
		}
		int top = side;
		int left = side;
		int bottom = -1;
		int right = -1;
		for (int y = 0; y < side; y++) {
			for (int x = 0; x < side; x++) {
				assertThat(v[y * side + x]).isIn(0f, 1f);
				if (v[y * side + x] == 0f && !zeroRow[y] && !zeroColumn[x]) {
					top = Math.min(top, y);
					left = Math.min(left, x);
					bottom = Math.max(bottom, y);
					right = Math.max(right, x);
				}
			}
		}
		return (bottom < 0) ? null : List.of(top, left, bottom, right);
	}

}
