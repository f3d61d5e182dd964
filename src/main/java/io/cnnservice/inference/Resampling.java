package io.cnnservice.inference;

/**
 * Separable image resampling on float planes: exact area averaging when shrinking (so a
 * 4000-pixel photo does not alias down to 28 pixels), linear interpolation when growing.
 */
final class Resampling {

	private Resampling() {
	}

	static float[] resize(float[] src, int sw, int sh, int dw, int dh) {
		if (sw == dw && sh == dh) {
			return src.clone();
		}
		float[] tmp = new float[dw * sh];
		for (int y = 0; y < sh; y++) {
			line(src, y * sw, 1, sw, tmp, y * dw, 1, dw);
		}
		float[] out = new float[dw * dh];
		for (int x = 0; x < dw; x++) {
			line(tmp, x, dw, sh, out, x, dw, dh);
		}
		return out;
	}

	private static void line(float[] src, int sOff, int sStride, int sn, float[] dst, int dOff, int dStride, int dn) {
		double scale = (double) sn / dn;
		if (dn <= sn) {
			for (int i = 0; i < dn; i++) {
				double start = i * scale;
				double end = start + scale;
				double sum = 0;
				for (int j = (int) start; j < Math.min(sn, (int) Math.ceil(end)); j++) {
					double overlap = Math.min(end, j + 1) - Math.max(start, j);
					sum += overlap * src[sOff + j * sStride];
				}
				dst[dOff + i * dStride] = (float) (sum / scale);
			}
		}
		else {
			for (int i = 0; i < dn; i++) {
				double x = Math.max(0, Math.min(sn - 1, (i + 0.5) * scale - 0.5));
				int j0 = (int) x;
				int j1 = Math.min(j0 + 1, sn - 1);
				double f = x - j0;
				dst[dOff + i * dStride] = (float) (src[sOff + j0 * sStride] * (1 - f) + src[sOff + j1 * sStride] * f);
			}
		}
	}

}
