package io.cnnservice.inference;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;

import io.cnnservice.TestDatasets;
import io.cnnservice.datasets.formats.ImageSet;

/**
 * Turns MNIST test digits into the files real users upload: large PNGs, scans and phone
 * photos of dark ink on light paper, colour JPEGs, transparent canvas exports, digits off
 * centre on wide canvases, palette GIFs and BMPs.
 */
public enum UploadVariants {

	/** The 28x28 digit itself, as a grey PNG. */
	PLAIN_PNG,
	/** Scaled up to 336x336, light on dark, PNG. */
	LARGE_PNG,
	/** Dark ink on off-white paper, a 600x800 "scan" with the digit off centre, JPEG. */
	SCAN_JPEG,
	/**
	 * Blue ink on yellowish paper with uneven light and noise, a 1024x768 "phone photo",
	 * JPEG.
	 */
	PHONE_PHOTO_JPEG,
	/** Black strokes on a fully transparent 400x400 canvas, RGBA PNG. */
	CANVAS_RGBA_PNG,
	/** White strokes on a transparent canvas (a dark-mode drawing app), RGBA PNG. */
	CANVAS_WHITE_ON_TRANSPARENT_PNG,
	/** Black digit far to the left of a white 900x300 canvas, PNG. */
	OFF_CENTRE_WIDE_PNG,
	/** Dark digit on white, 16-colour palette GIF. */
	PALETTE_GIF,
	/** Dark digit on white, 24-bit BMP. */
	BMP;

	/** The file for digit {@code i} of the set. */
	public byte[] render(ImageSet digits, int i, long seed) {
		BufferedImage digit = TestDatasets.image(digits, i);
		Random random = new Random(seed * 31 + i);
		try {
			return switch (this) {
				case PLAIN_PNG -> encode(digit, "png");
				case LARGE_PNG -> encode(scale(digit, 336, 336, BufferedImage.TYPE_BYTE_GRAY), "png");
				case SCAN_JPEG -> jpeg(paper(digit, 600, 800, 120 + random.nextInt(200), 150 + random.nextInt(300), 220,
						new Color(30, 30, 35), new Color(240, 238, 232), 0, random), 0.85f);
				case PHONE_PHOTO_JPEG ->
					jpeg(paper(digit, 1024, 768, 300 + random.nextInt(250), 200 + random.nextInt(200), 360,
							new Color(25, 40, 140), new Color(236, 226, 190), 12, random), 0.8f);
				case CANVAS_RGBA_PNG -> encode(canvas(digit, Color.BLACK), "png");
				case CANVAS_WHITE_ON_TRANSPARENT_PNG -> encode(canvas(digit, Color.WHITE), "png");
				case OFF_CENTRE_WIDE_PNG ->
					encode(paper(digit, 900, 300, 40, 40, 220, Color.BLACK, Color.WHITE, 0, random), "png");
				case PALETTE_GIF ->
					encode(palette(paper(digit, 112, 112, 0, 0, 112, Color.BLACK, Color.WHITE, 0, random)), "gif");
				case BMP -> encode(paper(digit, 140, 140, 14, 14, 112, Color.DARK_GRAY, Color.WHITE, 0, random), "bmp");
			};
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static BufferedImage scale(BufferedImage src, int w, int h, int type) {
		BufferedImage out = new BufferedImage(w, h, type);
		Graphics2D g = out.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
		g.drawImage(src, 0, 0, w, h, null);
		g.dispose();
		return out;
	}

	/**
	 * The digit as ink on paper: its intensity mixes ink into the paper colour, at
	 * {@code (x, y)} with side {@code size}, with optional lighting gradient and noise.
	 */
	private static BufferedImage paper(BufferedImage digit, int w, int h, int x, int y, int size, Color ink,
			Color paper, int noise, Random random) {
		BufferedImage big = scale(digit, size, size, BufferedImage.TYPE_BYTE_GRAY);
		BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
		for (int py = 0; py < h; py++) {
			for (int px = 0; px < w; px++) {
				float a = 0;
				int dx = px - x;
				int dy = py - y;
				if (dx >= 0 && dy >= 0 && dx < size && dy < size) {
					a = big.getRaster().getSample(dx, dy, 0) / 255f;
				}
				// light falls off towards one corner, as in a photo
				float light = (noise > 0) ? 1f - 0.18f * (px + py) / (float) (w + h) : 1f;
				int[] c = new int[3];
				int[] inkC = { ink.getRed(), ink.getGreen(), ink.getBlue() };
				int[] paperC = { paper.getRed(), paper.getGreen(), paper.getBlue() };
				for (int k = 0; k < 3; k++) {
					float v = (a * inkC[k] + (1 - a) * paperC[k]) * light;
					if (noise > 0) {
						v += (float) random.nextGaussian() * noise;
					}
					c[k] = Math.max(0, Math.min(255, Math.round(v)));
				}
				out.setRGB(px, py, (c[0] << 16) | (c[1] << 8) | c[2]);
			}
		}
		return out;
	}

	private static BufferedImage canvas(BufferedImage digit, Color stroke) {
		BufferedImage big = scale(digit, 280, 280, BufferedImage.TYPE_BYTE_GRAY);
		BufferedImage out = new BufferedImage(400, 400, BufferedImage.TYPE_INT_ARGB);
		Graphics2D g = out.createGraphics();
		g.setComposite(AlphaComposite.Clear);
		g.fillRect(0, 0, 400, 400);
		g.dispose();
		int rgb = stroke.getRGB() & 0xFFFFFF;
		for (int y = 0; y < 280; y++) {
			for (int x = 0; x < 280; x++) {
				int a = big.getRaster().getSample(x, y, 0);
				out.setRGB(x + 60, y + 60, (a << 24) | rgb);
			}
		}
		return out;
	}

	private static BufferedImage palette(BufferedImage rgb) {
		byte[] levels = new byte[16];
		for (int i = 0; i < 16; i++) {
			levels[i] = (byte) (i * 17);
		}
		IndexColorModel cm = new IndexColorModel(4, 16, levels, levels, levels);
		BufferedImage out = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_BYTE_INDEXED, cm);
		Graphics2D g = out.createGraphics();
		g.drawImage(rgb, 0, 0, null);
		g.dispose();
		return out;
	}

	static byte[] encode(BufferedImage image, String format) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		if (!ImageIO.write(image, format, out)) {
			throw new IOException("no writer for " + format);
		}
		return out.toByteArray();
	}

	static byte[] jpeg(BufferedImage image, float quality) throws IOException {
		ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (var ios = ImageIO.createImageOutputStream(out)) {
			writer.setOutput(ios);
			ImageWriteParam param = writer.getDefaultWriteParam();
			param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
			param.setCompressionQuality(quality);
			writer.write(null, new IIOImage(image, null, null), param);
		}
		finally {
			writer.dispose();
		}
		return out.toByteArray();
	}

}
