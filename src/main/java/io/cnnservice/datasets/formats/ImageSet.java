package io.cnnservice.datasets.formats;

/**
 * Decoded images of one split, kept as raw bytes so a dataset costs one byte per pixel in
 * memory and batches are normalised while they are assembled.
 *
 * @param pixels {@code count * channels * height * width} bytes, each image in CHW order
 * @param labels class index per image
 * @param count number of images
 * @param channels channels per image (1 or 3)
 * @param height image height
 * @param width image width
 */
public record ImageSet(byte[] pixels, int[] labels, int count, int channels, int height, int width) {

	public ImageSet {
		if (labels.length != count || (long) count * channels * height * width != pixels.length) {
			throw new IllegalArgumentException(
					"pixels and labels do not match " + count + " images of " + channels + "x" + height + "x" + width);
		}
	}

	/** Bytes per image. */
	public int imageSize() {
		return this.channels * this.height * this.width;
	}

	/** The first {@code n} images (all of them when {@code n} is larger). */
	public ImageSet limit(int n) {
		if (n >= this.count) {
			return this;
		}
		byte[] p = new byte[n * imageSize()];
		System.arraycopy(this.pixels, 0, p, 0, p.length);
		int[] l = new int[n];
		System.arraycopy(this.labels, 0, l, 0, n);
		return new ImageSet(p, l, n, this.channels, this.height, this.width);
	}

	/**
	 * Per-channel mean and standard deviation of the pixels scaled to [0, 1], in one
	 * pass.
	 *
	 * @param mean per-channel mean
	 * @param std per-channel standard deviation
	 */
	public record Moments(float[] mean, float[] std) {
	}

	public Moments channelMoments() {
		int plane = this.height * this.width;
		long[] sum = new long[this.channels];
		long[] sumSq = new long[this.channels];
		for (int i = 0; i < this.count; i++) {
			int base = i * imageSize();
			for (int c = 0; c < this.channels; c++) {
				int offset = base + c * plane;
				for (int p = 0; p < plane; p++) {
					int v = this.pixels[offset + p] & 0xFF;
					sum[c] += v;
					sumSq[c] += (long) v * v;
				}
			}
		}
		float[] mean = new float[this.channels];
		float[] std = new float[this.channels];
		double n = (double) this.count * plane;
		for (int c = 0; c < this.channels; c++) {
			double m = sum[c] / n;
			double var = Math.max(sumSq[c] / n - m * m, 1e-12);
			mean[c] = (float) (m / 255.0);
			std[c] = (float) (Math.sqrt(var) / 255.0);
		}
		return new Moments(mean, std);
	}

}
