package io.cnnservice.metrics;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

import javax.imageio.ImageIO;

import io.cnnservice.TestDatasets;

/** The first MNIST test digit (a 7) as a PNG. */
final class UploadPng {

	private UploadPng() {
	}

	static byte[] seven() throws IOException {
		byte[] pixels;
		try (InputStream in = new GZIPInputStream(
				java.nio.file.Files.newInputStream(TestDatasets.mnist().resolve("t10k-images-idx3-ubyte.gz")))) {
			in.skipNBytes(16);
			pixels = in.readNBytes(784);
		}
		BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
		for (int p = 0; p < 784; p++) {
			img.getRaster().setSample(p % 28, p / 28, 0, pixels[p] & 0xFF);
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ImageIO.write(img, "png", out);
		return out.toByteArray();
	}

}
