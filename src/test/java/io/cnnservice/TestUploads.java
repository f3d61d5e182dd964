package io.cnnservice;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.zip.GZIPInputStream;

import javax.imageio.ImageIO;

/** A real upload for tests that talk HTTP without MockMvc: the first MNIST test digit. */
public final class TestUploads {

	/** The multipart boundary {@link #multipart(byte[])} uses. */
	public static final String MULTIPART_TYPE = "multipart/form-data; boundary=B0UNDARY";

	private TestUploads() {
	}

	/** The first MNIST test digit (a 7) as a 28x28 grey PNG. */
	public static byte[] sevenPng() throws IOException {
		byte[] pixels;
		try (InputStream in = new GZIPInputStream(
				Files.newInputStream(TestDatasets.mnist().resolve("t10k-images-idx3-ubyte.gz")))) {
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

	/** A multipart body with one part named "file" holding the PNG. */
	public static byte[] multipart(byte[] png) throws IOException {
		return multipart(png, 1);
	}

	/** A multipart body with {@code copies} parts named "file", each holding the PNG. */
	public static byte[] multipart(byte[] png, int copies) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int i = 0; i < copies; i++) {
			out.write(("--B0UNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"seven-" + i
					+ ".png\"\r\nContent-Type: image/png\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.write(png);
			out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
		}
		out.write("--B0UNDARY--\r\n".getBytes(StandardCharsets.US_ASCII));
		return out.toByteArray();
	}

}
