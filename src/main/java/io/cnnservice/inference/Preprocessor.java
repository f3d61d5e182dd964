package io.cnnservice.inference;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.util.Arrays;
import java.util.List;

import io.cnnservice.models.ModelMetadata;
import io.cnnservice.models.Preprocessing;

/**
 * Prepares an uploaded image the way the model's training images were made, driven by the
 * model's {@code model.json}.
 *
 * <p>
 * Single-channel models trained on light strokes on a dark background (MNIST) get the
 * MNIST recipe: transparency is flattened onto a background that contrasts with the
 * strokes, a light background is inverted, contrast is stretched between the background
 * and the strokes, the content is cropped, fitted into a 20x20 box (of 28x28) keeping its
 * aspect ratio, and placed so its centre of mass sits in the middle. Other models resize
 * keeping the aspect ratio and crop the centre. Then the training normalisation (and
 * pixel permutation, if any) is applied.
 */
final class Preprocessor {

	/**
	 * Strokes weaker than this (after stretching) do not count as content when cropping.
	 */
	static final float CONTENT_THRESHOLD = 0.2f;

	/** Faint remains of the background (shadows, paper grain) are cleared below this. */
	static final float NOISE_FLOOR = 0.1f;

	/** Longest side digits are prepared at; larger uploads are shrunk to it first. */
	static final int WORKING_SIZE = 256;

	private Preprocessor() {
	}

	/**
	 * The image as the model sees it before normalisation (and before any pixel
	 * permutation): channels x height x width values in [0, 1].
	 */
	static float[] crop(BufferedImage image, ModelMetadata model) {
		List<Integer> shape = model.network().inputShape();
		int channels = shape.get(0);
		int height = shape.get(1);
		int width = shape.get(2);
		Preprocessing pre = model.preprocessing();
		boolean darkBackground = "dark".equals(pre.background());
		float[] out;
		if (channels == 1) {
			float[] grey = grey(image);
			int w = image.getWidth();
			int h = image.getHeight();
			boolean lightUpload = borderMedian(grey, w, h) > 0.5f;
			if (lightUpload == darkBackground) {
				for (int i = 0; i < grey.length; i++) {
					grey[i] = 1f - grey[i];
				}
			}
			out = darkBackground ? centreLikeMnist(grey, w, h, width, height)
					: fitCover(new float[][] { grey }, w, h, width, height)[0];
		}
		else {
			float[][] rgb = rgbOnWhite(image);
			float[][] fitted = fitCover(rgb, image.getWidth(), image.getHeight(), width, height);
			out = new float[channels * height * width];
			for (int c = 0; c < channels; c++) {
				System.arraycopy(fitted[Math.min(c, 2)], 0, out, c * height * width, height * width);
			}
		}
		return out;
	}

	/** A crop ({@link #crop}) as a PNG data URL, to show what the model was given. */
	static String dataUrl(float[] crop, ModelMetadata model) {
		int channels = model.network().inputShape().get(0);
		int height = model.network().inputShape().get(1);
		int width = model.network().inputShape().get(2);
		BufferedImage image = new BufferedImage(width, height,
				(channels == 1) ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
		int plane = height * width;
		for (int p = 0; p < plane; p++) {
			int x = p % width;
			int y = p / width;
			if (channels == 1) {
				image.getRaster().setSample(x, y, 0, byteOf(crop[p]));
			}
			else {
				image.setRGB(x, y,
						(byteOf(crop[p]) << 16) | (byteOf(crop[plane + p]) << 8) | byteOf(crop[2 * plane + p]));
			}
		}
		java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
		try {
			javax.imageio.ImageIO.write(image, "png", png);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		return "data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(png.toByteArray());
	}

	private static int byteOf(float value) {
		return Math.round(Math.max(0f, Math.min(1f, value)) * 255f);
	}

	/**
	 * A crop ({@link #crop}) as the model's input: normalised as its training data was,
	 * and permuted if it was trained on permuted pixels.
	 */
	static float[] normalise(float[] values, ModelMetadata model) {
		int channels = model.network().inputShape().get(0);
		int plane = model.network().inputShape().get(1) * model.network().inputShape().get(2);
		Preprocessing pre = model.preprocessing();
		float[] result = new float[values.length];
		int[] permutation = pre.pixelPermutation();
		for (int c = 0; c < channels; c++) {
			float mean = pre.mean()[c];
			float std = pre.std()[c];
			for (int p = 0; p < plane; p++) {
				int src = c * plane + ((permutation != null) ? permutation[p] : p);
				result[c * plane + p] = (values[src] - mean) / std;
			}
		}
		return result;
	}

	/**
	 * Luminance in [0, 1]. Transparent pixels are flattened onto whichever of black and
	 * white contrasts with the opaque strokes, so a canvas export with a transparent
	 * background reads as strokes on a plain background whatever the stroke colour.
	 */
	static float[] grey(BufferedImage image) {
		int w = image.getWidth();
		int h = image.getHeight();
		float[] lum = new float[w * h];
		float[] alpha = new float[w * h];
		readLuminance(image, lum, alpha);
		double strokeSum = 0;
		double strokeWeight = 0;
		boolean transparent = false;
		for (int i = 0; i < lum.length; i++) {
			strokeSum += lum[i] * alpha[i];
			strokeWeight += alpha[i];
			transparent |= alpha[i] < 1f;
		}
		if (transparent) {
			float background = (strokeWeight > 0 && strokeSum / strokeWeight < 0.5) ? 1f : 0f;
			for (int i = 0; i < lum.length; i++) {
				lum[i] = alpha[i] * lum[i] + (1 - alpha[i]) * background;
			}
		}
		return lum;
	}

	/**
	 * Reads grey rasters raw (going through sRGB would shift their mid-tones) and every
	 * other kind through ARGB, one row at a time so huge images need no second full copy.
	 */
	private static void readLuminance(BufferedImage image, float[] lum, float[] alpha) {
		int w = image.getWidth();
		int h = image.getHeight();
		Raster raster = image.getRaster();
		if (image.getColorModel() instanceof ComponentColorModel cm && cm.getNumColorComponents() == 1) {
			float max = (1 << cm.getComponentSize(0)) - 1;
			float maxAlpha = cm.hasAlpha() ? (1 << cm.getComponentSize(1)) - 1 : 1;
			int[] row = new int[w];
			for (int y = 0; y < h; y++) {
				raster.getSamples(0, y, w, 1, 0, row);
				for (int x = 0; x < w; x++) {
					lum[y * w + x] = row[x] / max;
				}
				if (cm.hasAlpha()) {
					raster.getSamples(0, y, w, 1, 1, row);
					for (int x = 0; x < w; x++) {
						alpha[y * w + x] = row[x] / maxAlpha;
					}
				}
				else {
					Arrays.fill(alpha, y * w, (y + 1) * w, 1f);
				}
			}
			return;
		}
		int[] row = new int[w];
		for (int y = 0; y < h; y++) {
			image.getRGB(0, y, w, 1, row, 0, w);
			for (int x = 0; x < w; x++) {
				int v = row[x];
				lum[y * w + x] = (0.299f * ((v >> 16) & 0xFF) + 0.587f * ((v >> 8) & 0xFF) + 0.114f * (v & 0xFF))
						/ 255f;
				alpha[y * w + x] = ((v >>> 24) & 0xFF) / 255f;
			}
		}
	}

	/** Red, green, blue planes in [0, 1], composited onto white where transparent. */
	static float[][] rgbOnWhite(BufferedImage image) {
		int w = image.getWidth();
		int h = image.getHeight();
		float[][] rgb = new float[3][w * h];
		int[] row = new int[w];
		for (int y = 0; y < h; y++) {
			image.getRGB(0, y, w, 1, row, 0, w);
			for (int x = 0; x < w; x++) {
				int v = row[x];
				float a = ((v >>> 24) & 0xFF) / 255f;
				for (int c = 0; c < 3; c++) {
					float value = ((v >> (16 - 8 * c)) & 0xFF) / 255f;
					rgb[c][y * w + x] = a * value + (1 - a);
				}
			}
		}
		return rgb;
	}

	/** Median of the pixels along the image border: the background level. */
	static float borderMedian(float[] grey, int w, int h) {
		int band = Math.max(1, Math.min(w, h) / 20);
		float[] border = new float[2 * band * (w + h)];
		int n = 0;
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				boolean edge = x < band || y < band || x >= w - band || y >= h - band;
				if (edge && n < border.length) {
					border[n++] = grey[y * w + x];
				}
			}
		}
		float[] sorted = Arrays.copyOf(border, n);
		Arrays.sort(sorted);
		return (n == 0) ? 0 : sorted[n / 2];
	}

	/**
	 * MNIST's recipe: content fitted into a box of 20/28 of the frame keeping its aspect
	 * ratio, then shifted so its centre of mass is the frame's centre.
	 */
	static float[] centreLikeMnist(float[] input, int inW, int inH, int outW, int outH) {
		// Photos are shrunk to a working size first: area averaging removes sensor noise
		// that would otherwise pass for ink, and the digit keeps ample detail for 20x20.
		int w = inW;
		int h = inH;
		float[] grey = input;
		if (Math.max(inW, inH) > WORKING_SIZE) {
			double f = (double) WORKING_SIZE / Math.max(inW, inH);
			w = Math.max(1, (int) Math.round(inW * f));
			h = Math.max(1, (int) Math.round(inH * f));
			grey = Resampling.resize(input, inW, inH, w, h);
		}
		float[] v = subtractBackground(grey, w, h);
		float top = percentile(v, 0.995f);
		if (top > 0.05f) {
			for (int i = 0; i < v.length; i++) {
				float s = v[i] / top;
				v[i] = (s < NOISE_FLOOR) ? 0f : Math.min(s, 1f);
			}
		}
		else {
			java.util.Arrays.fill(v, 0f);
		}
		int minX = w;
		int minY = h;
		int maxX = -1;
		int maxY = -1;
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				if (v[y * w + x] > CONTENT_THRESHOLD) {
					minX = Math.min(minX, x);
					maxX = Math.max(maxX, x);
					minY = Math.min(minY, y);
					maxY = Math.max(maxY, y);
				}
			}
		}
		float[] frame = new float[outW * outH];
		if (maxX < 0) {
			return frame;
		}
		int cw = maxX - minX + 1;
		int ch = maxY - minY + 1;
		float[] crop = new float[cw * ch];
		for (int y = 0; y < ch; y++) {
			System.arraycopy(v, (minY + y) * w + minX, crop, y * cw, cw);
		}
		int box = Math.max(1, Math.round(Math.min(outW, outH) * 20f / 28f));
		double scale = (double) box / Math.max(cw, ch);
		int fw = Math.max(1, (int) Math.round(cw * scale));
		int fh = Math.max(1, (int) Math.round(ch * scale));
		float[] fitted = Resampling.resize(crop, cw, ch, fw, fh);
		double mass = 0;
		double mx = 0;
		double my = 0;
		for (int y = 0; y < fh; y++) {
			for (int x = 0; x < fw; x++) {
				float m = fitted[y * fw + x];
				mass += m;
				mx += m * (x + 0.5);
				my += m * (y + 0.5);
			}
		}
		double cx = (mass > 0) ? mx / mass : fw / 2.0;
		double cy = (mass > 0) ? my / mass : fh / 2.0;
		int ox = (int) Math.round(outW / 2.0 - cx);
		int oy = (int) Math.round(outH / 2.0 - cy);
		for (int y = 0; y < fh; y++) {
			int ty = y + oy;
			if (ty < 0 || ty >= outH) {
				continue;
			}
			for (int x = 0; x < fw; x++) {
				int tx = x + ox;
				if (tx >= 0 && tx < outW) {
					frame[ty * outW + tx] = fitted[y * fw + x];
				}
			}
		}
		return frame;
	}

	/**
	 * The image minus its background, modelled as a plane fitted to the border: uneven
	 * light across a photo of paper becomes a flat zero.
	 */
	static float[] subtractBackground(float[] grey, int w, int h) {
		int band = Math.max(1, Math.min(w, h) / 20);
		// least squares for v = a + b*x + c*y over the border band
		double[][] a = new double[3][3];
		double[] b = new double[3];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				if (x < band || y < band || x >= w - band || y >= h - band) {
					double[] row = { 1, x, y };
					double v = grey[y * w + x];
					for (int i = 0; i < 3; i++) {
						for (int j = 0; j < 3; j++) {
							a[i][j] += row[i] * row[j];
						}
						b[i] += row[i] * v;
					}
				}
			}
		}
		double[] plane = solve3(a, b);
		if (plane == null) {
			plane = new double[] { borderMedian(grey, w, h), 0, 0 };
		}
		float[] out = new float[grey.length];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				out[y * w + x] = Math.max(0f, grey[y * w + x] - (float) (plane[0] + plane[1] * x + plane[2] * y));
			}
		}
		return out;
	}

	/** Cramer's rule for a 3x3 system; null when it is singular. */
	private static double[] solve3(double[][] a, double[] b) {
		double det = det3(a);
		if (Math.abs(det) < 1e-9) {
			return null;
		}
		double[] x = new double[3];
		for (int c = 0; c < 3; c++) {
			double[][] m = { a[0].clone(), a[1].clone(), a[2].clone() };
			for (int r = 0; r < 3; r++) {
				m[r][c] = b[r];
			}
			x[c] = det3(m) / det;
		}
		return x;
	}

	private static double det3(double[][] m) {
		return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
				+ m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
	}

	static float percentile(float[] values, float q) {
		float[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))];
	}

	/**
	 * Scales so the image covers the frame (keeping its aspect ratio) and crops the
	 * centre.
	 */
	static float[][] fitCover(float[][] planes, int w, int h, int outW, int outH) {
		double scale = Math.max((double) outW / w, (double) outH / h);
		int sw = Math.max(outW, (int) Math.round(w * scale));
		int sh = Math.max(outH, (int) Math.round(h * scale));
		int ox = (sw - outW) / 2;
		int oy = (sh - outH) / 2;
		float[][] result = new float[planes.length][outW * outH];
		for (int c = 0; c < planes.length; c++) {
			float[] scaled = Resampling.resize(planes[c], w, h, sw, sh);
			for (int y = 0; y < outH; y++) {
				System.arraycopy(scaled, (y + oy) * sw + ox, result[c], y * outW, outW);
			}
		}
		return result;
	}

}
