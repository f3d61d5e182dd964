package io.cnnservice.training.loop;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Random;
import java.util.stream.IntStream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.cnnservice.datasets.formats.ImageSet;
import io.cnnservice.training.api.TrainingRequest;

/**
 * Turns rows of a byte dataset into normalised float batches. Normalisation goes through
 * a 256-entry table per channel. Pixels are written straight into one native (direct)
 * buffer that is reused for every batch: handing the engine a direct buffer lets it wrap
 * the memory instead of allocating, zeroing and copying a fresh native buffer per batch,
 * and writing it directly (not through a heap array and a copy) halves the memory each
 * batch touches while the engine's work has pushed everything else out of the cache.
 * <p>
 * An array returned by {@link #images} or {@link #labels} shares memory with this
 * assembler and is valid until the next call: callers close it (with the batch's manager)
 * before asking for the next batch.
 */
public final class BatchAssembler {

	/**
	 * Pixels a flip-crop augmentation may shift an image by, as in the classic CIFAR
	 * recipe.
	 */
	static final int SHIFT = 4;

	/**
	 * Side of the square a cutout augmentation blanks, as in Page's ResNet-9 recipe (a
	 * quarter of a CIFAR image's side).
	 */
	static final int CUTOUT = 8;

	/** Images ahead of the one being written whose rows are touched first. */
	static final int AHEAD = 2;

	/** Alignment of the native buffers: a cache line, as the engine's own allocations. */
	static final int ALIGNMENT = 64;

	private final ImageSet set;

	private final float[][] table;

	private final int[] permutation;

	private final TrainingRequest.Augment augment;

	private final ByteBuffer nativeImages;

	private final FloatBuffer nativeImageFloats;

	private final ByteBuffer nativeLabels;

	private final LongBuffer nativeLabelLongs;

	private final int maxBatch;

	/** Where the touched bytes' sum goes, so that the JIT keeps the loads. */
	private int touched;

	/**
	 * @param set the images
	 * @param mean per-channel mean in [0, 1]
	 * @param std per-channel standard deviation in [0, 1]
	 * @param permutation pixel permutation within each channel plane, or null
	 * @param augment the random changes to apply to every image
	 * @param maxBatch largest batch that will be requested
	 */
	public BatchAssembler(ImageSet set, float[] mean, float[] std, int[] permutation, TrainingRequest.Augment augment,
			int maxBatch) {
		this.set = set;
		this.table = new float[set.channels()][256];
		for (int c = 0; c < set.channels(); c++) {
			for (int v = 0; v < 256; v++) {
				this.table[c][v] = (v / 255f - mean[c]) / std[c];
			}
		}
		this.permutation = permutation;
		this.augment = augment;
		this.nativeImages = aligned(maxBatch * set.imageSize() * Float.BYTES);
		this.nativeImageFloats = this.nativeImages.asFloatBuffer();
		this.nativeLabels = aligned(maxBatch * Long.BYTES);
		this.nativeLabelLongs = this.nativeLabels.asLongBuffer();
		this.maxBatch = maxBatch;
	}

	/**
	 * Reads one byte of each cache line of an image, so that its misses overlap the
	 * writing of the images before it instead of stalling it: the training step has
	 * pushed the dataset out of the caches, and the next row is at a random place
	 * (StepSectionsBench measures it).
	 */
	private static int touch(byte[] pixels, int from, int size) {
		int sum = 0;
		for (int k = 0; k < size; k += ALIGNMENT) {
			sum += pixels[from + k];
		}
		return sum;
	}

	/**
	 * A direct buffer whose first byte sits on a cache line ({@link #ALIGNMENT}).
	 * {@code allocateDirect} only promises malloc's 16 bytes, and the engine wraps the
	 * buffer as it is.
	 */
	private static ByteBuffer aligned(int bytes) {
		// the slice's end is rounded down to the alignment too, so ask for whole lines
		int lines = (bytes + ALIGNMENT - 1) / ALIGNMENT;
		return ByteBuffer.allocateDirect((lines + 1) * ALIGNMENT)
			.alignedSlice(ALIGNMENT)
			.order(ByteOrder.nativeOrder());
	}

	/** A fixed permutation of {@code size} positions drawn from the seed. */
	public static int[] permutation(int size, long seed) {
		int[] p = IntStream.range(0, size).toArray();
		Random random = new Random(seed);
		shuffle(p, random);
		return p;
	}

	/** Fisher-Yates, so the order depends only on the random source. */
	static void shuffle(int[] a, Random random) {
		for (int i = a.length - 1; i > 0; i--) {
			int j = random.nextInt(i + 1);
			int t = a[i];
			a[i] = a[j];
			a[j] = t;
		}
	}

	/** The largest batch this assembler was sized for. */
	int maxBatch() {
		return this.maxBatch;
	}

	/** The images of rows {@code order[from..to)} as an (N, C, H, W) float array. */
	NDArray images(NDManager manager, int[] order, int from, int to, Random random) {
		int n = to - from;
		int size = this.set.imageSize();
		int plane = this.set.height() * this.set.width();
		byte[] pixels = this.set.pixels();
		FloatBuffer out = this.nativeImageFloats;
		int touched = 0;
		for (int i = 0; i < n; i++) {
			if (i + AHEAD < n) {
				touched += touch(pixels, order[from + i + AHEAD] * size, size);
			}
			int src = order[from + i] * size;
			int dst = i * size;
			if (this.augment != TrainingRequest.Augment.NONE) {
				writeAugmented(src, dst, random);
				continue;
			}
			for (int c = 0; c < this.set.channels(); c++) {
				float[] t = this.table[c];
				int s = src + c * plane;
				int d = dst + c * plane;
				if (this.permutation == null) {
					for (int p = 0; p < plane; p++) {
						out.put(d + p, t[pixels[s + p] & 0xFF]);
					}
				}
				else {
					for (int p = 0; p < plane; p++) {
						out.put(d + p, t[pixels[s + this.permutation[p]] & 0xFF]);
					}
				}
			}
		}
		this.touched = touched;
		this.nativeImages.clear().limit(n * size * Float.BYTES);
		return manager.create(this.nativeImages, new Shape(n, this.set.channels(), this.set.height(), this.set.width()),
				DataType.FLOAT32);
	}

	/** Labels of rows {@code order[from..to)} as int64. */
	NDArray labels(NDManager manager, int[] order, int from, int to) {
		int n = to - from;
		for (int i = 0; i < n; i++) {
			this.nativeLabelLongs.put(i, this.set.labels()[order[from + i]]);
		}
		this.nativeLabels.clear().limit(n * Long.BYTES);
		return manager.create(this.nativeLabels, new Shape(n), DataType.INT64);
	}

	/**
	 * Random horizontal flip and a random crop of the image padded by {@link #SHIFT}
	 * pixels; padding is zero after normalisation, i.e. the mean colour. With cutout, a
	 * {@link #CUTOUT}-pixel square placed at random inside the result is set to the mean
	 * colour too.
	 */
	private void writeAugmented(int src, int dst, Random random) {
		int h = this.set.height();
		int w = this.set.width();
		int plane = h * w;
		boolean flip = random.nextBoolean();
		int dy = random.nextInt(2 * SHIFT + 1) - SHIFT;
		int dx = random.nextInt(2 * SHIFT + 1) - SHIFT;
		// drawn only for cutout, so flip-crop batches stay what they were for a seed;
		// an empty square (from = to) when the image is no bigger than the square
		int cy = -1;
		int cx = -1;
		int side = 0;
		if (this.augment == TrainingRequest.Augment.FLIP_CROP_CUTOUT) {
			side = Math.min(CUTOUT, Math.min(h, w));
			cy = random.nextInt(h - side + 1);
			cx = random.nextInt(w - side + 1);
		}
		byte[] pixels = this.set.pixels();
		FloatBuffer buffer = this.nativeImageFloats;
		for (int c = 0; c < this.set.channels(); c++) {
			float[] t = this.table[c];
			for (int y = 0; y < h; y++) {
				int sy = y + dy;
				for (int x = 0; x < w; x++) {
					int sx = (flip ? w - 1 - x : x) + dx;
					int out = dst + c * plane + y * w + x;
					boolean cut = y >= cy && y < cy + side && x >= cx && x < cx + side;
					if (cut || sy < 0 || sy >= h || sx < 0 || sx >= w) {
						buffer.put(out, 0f);
					}
					else {
						int pos = sy * w + sx;
						if (this.permutation != null) {
							pos = this.permutation[pos];
						}
						buffer.put(out, t[pixels[src + c * plane + pos] & 0xFF]);
					}
				}
			}
		}
	}

}
