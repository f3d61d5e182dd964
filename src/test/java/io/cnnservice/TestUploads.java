package io.cnnservice;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
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

	/**
	 * A white 16-bit RGBA PNG of {@code side} x {@code side} pixels with a black bar: a
	 * few hundred kilobytes on the wire, {@code side * side * 8} bytes decoded.
	 */
	public static byte[] largeRgba16Png(int side) throws IOException {
		ByteArrayOutputStream idat = new ByteArrayOutputStream();
		byte[] row = new byte[1 + side * 8];
		try (DeflaterOutputStream deflate = new DeflaterOutputStream(idat, new Deflater(9))) {
			for (int y = 0; y < side; y++) {
				boolean bar = y > side / 3 && y < 2 * side / 3;
				for (int x = 0; x < side; x++) {
					byte v = (bar && x > side / 2 - side / 12 && x < side / 2 + side / 12) ? 0 : (byte) 0xff;
					java.util.Arrays.fill(row, 1 + x * 8, 1 + x * 8 + 6, v);
					row[1 + x * 8 + 6] = (byte) 0xff;
					row[1 + x * 8 + 7] = (byte) 0xff;
				}
				deflate.write(row);
			}
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' });
		pngChunk(out, "IHDR", ByteBuffer.allocate(13).putInt(side).putInt(side).put((byte) 16).put((byte) 6).array());
		pngChunk(out, "IDAT", idat.toByteArray());
		pngChunk(out, "IEND", new byte[0]);
		return out.toByteArray();
	}

	/** Appends one PNG chunk with its length and CRC. */
	public static void pngChunk(ByteArrayOutputStream out, String type, byte[] data) {
		out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
		byte[] typeBytes = type.getBytes(StandardCharsets.ISO_8859_1);
		out.writeBytes(typeBytes);
		out.writeBytes(data);
		CRC32 crc = new CRC32();
		crc.update(typeBytes);
		crc.update(data);
		out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
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
