package io.cnnservice;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import io.cnnservice.datasets.ImageSet;

/**
 * Where the real datasets are for tests: {@code ../shared/datasets} unless overridden.
 */
public final class TestDatasets {

	private TestDatasets() {
	}

	public static Path root() {
		String configured = System.getenv("CNN_TEST_DATASETS");
		if (configured == null || configured.isBlank()) {
			configured = System.getProperty("cnn.test.datasets");
		}
		Path root = Path.of((configured != null) ? configured : "../shared/datasets").toAbsolutePath().normalize();
		if (!Files.isDirectory(root.resolve("mnist"))) {
			throw new IllegalStateException("The real datasets are missing at " + root
					+ "; set -Dcnn.test.datasets (or CNN_TEST_DATASETS) to the folder holding mnist/ and cifar10/");
		}
		return root;
	}

	public static Path mnist() {
		return root().resolve("mnist");
	}

	public static Path cifarArchive() {
		return root().resolve("cifar10").resolve("cifar10-jpg.tar.gz");
	}

	/**
	 * Row {@code index} of an image set as a picture with exactly its pixels: grey for
	 * one channel, RGB for three.
	 */
	public static BufferedImage image(ImageSet set, int index) {
		int w = set.width();
		int plane = set.height() * w;
		int base = index * set.imageSize();
		byte[] pixels = set.pixels();
		BufferedImage img = new BufferedImage(w, set.height(),
				(set.channels() == 1) ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
		for (int p = 0; p < plane; p++) {
			if (set.channels() == 1) {
				img.getRaster().setSample(p % w, p / w, 0, pixels[base + p] & 0xFF);
			}
			else {
				int r = pixels[base + p] & 0xFF;
				int g = pixels[base + plane + p] & 0xFF;
				int b = pixels[base + 2 * plane + p] & 0xFF;
				img.setRGB(p % w, p / w, (r << 16) | (g << 8) | b);
			}
		}
		return img;
	}

}
