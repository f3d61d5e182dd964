package io.cnnservice.inference;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.springframework.stereotype.Component;

/**
 * Decodes uploads safely: the format is sniffed from the bytes (not the name or the
 * declared type), the size is read from the header and refused before any pixel is
 * decoded, and decoder warnings about missing data count as corruption.
 */
@Component
public class ImageDecoder {

	private static final Set<String> FORMATS = Set.of("png", "jpeg", "gif", "bmp");

	/**
	 * Longest side decoded at full resolution. The models take 28 to 32 pixels: a larger
	 * image is read with every n-th pixel, which bounds the decoder's memory per image (a
	 * 40-megapixel 16-bit RGBA PNG would need 320 MB).
	 */
	static final int MAX_DECODED_SIDE = 2048;

	private final InferenceProperties properties;

	private final Semaphore slots;

	public ImageDecoder(InferenceProperties properties) {
		this.properties = properties;
		this.slots = new Semaphore(properties.maxConcurrentDecodes(), true);
	}

	/**
	 * Runs a decode and whatever uses the decoded image while holding one of the
	 * {@code cnn.inference.max-concurrent-decodes} slots, which bounds decoding memory
	 * whatever the number of requests.
	 * @throws PoolSaturatedException when no slot frees up within the acquire timeout
	 */
	<T> T withSlot(Supplier<T> work) {
		try {
			if (!this.slots.tryAcquire(this.properties.acquireTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
				throw PoolSaturatedException.decoders(this.properties.maxConcurrentDecodes(),
						this.properties.retryAfterSeconds());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw PoolSaturatedException.decoders(this.properties.maxConcurrentDecodes(),
					this.properties.retryAfterSeconds());
		}
		try {
			return work.get();
		}
		finally {
			this.slots.release();
		}
	}

	/**
	 * Decodes one upload, first charging its size from the header to the request's
	 * budget.
	 */
	BufferedImage decode(String file, byte[] bytes, PixelBudget budget) {
		if (bytes.length == 0) {
			throw InvalidImageException.empty(file);
		}
		if (bytes.length > this.properties.maxFileSize().toBytes()) {
			throw InvalidImageException.tooLarge(file,
					bytes.length + " bytes, the limit is " + this.properties.maxFileSize().toBytes());
		}
		try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
			ImageReader reader = readerFor(in);
			if (reader == null) {
				throw InvalidImageException.unsupported(file);
			}
			try {
				reader.setInput(in, true, true);
				long width = reader.getWidth(0);
				long height = reader.getHeight(0);
				if (width <= 0 || height <= 0) {
					throw InvalidImageException.corrupt(file, "the header gives a size of " + width + "x" + height);
				}
				if (width * height > this.properties.maxPixels()) {
					throw InvalidImageException.tooLarge(file, width + "x" + height + " pixels, the limit is "
							+ this.properties.maxPixels() + " (cnn.inference.max-pixels)");
				}
				budget.spend(file, width * height);
				List<String> warnings = new ArrayList<>();
				reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
				ImageReadParam param = reader.getDefaultReadParam();
				int step = (int) Math.ceil(Math.max(width, height) / (double) MAX_DECODED_SIDE);
				if (step > 1) {
					param.setSourceSubsampling(step, step, 0, 0);
				}
				BufferedImage image = reader.read(0, param);
				if (!warnings.isEmpty()) {
					throw InvalidImageException.corrupt(file, String.join("; ", warnings));
				}
				return image;
			}
			finally {
				reader.dispose();
			}
		}
		catch (IOException | RuntimeException ex) {
			if (ex instanceof InvalidImageException invalid) {
				throw invalid;
			}
			throw InvalidImageException.corrupt(file, (ex.getMessage() != null) ? ex.getMessage() : ex.toString());
		}
	}

	private static ImageReader readerFor(ImageInputStream in) {
		if (in == null) {
			return null;
		}
		Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
		while (readers.hasNext()) {
			ImageReader reader = readers.next();
			try {
				if (FORMATS.contains(reader.getFormatName().toLowerCase(Locale.ROOT))) {
					return reader;
				}
			}
			catch (IOException ex) {
				// try the next reader
			}
			reader.dispose();
		}
		return null;
	}

}
