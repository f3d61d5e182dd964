package io.cnnservice.datasets.formats;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

/**
 * Reads datasets laid out as {@code train/<class>/*} and {@code test/<class>/*} images,
 * either as a folder or as a .tar.gz / .tar of one.
 */
public final class ImageFolders {

	private static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

	private ImageFolders() {
	}

	/** Where the images are: a folder holding train/ and test/, or an archive of one. */
	public record Source(Path path, boolean archive) {
	}

	/** One image file found in the source. */
	public record Entry(boolean train, String className, String name, byte[] bytes) {
	}

	/** Both splits, decoded, with the class names in label order. */
	public record Splits(List<String> classes, ImageSet train, ImageSet test) {
	}

	public static Optional<Source> locate(Path datasetDir) throws IOException {
		if (Files.isDirectory(datasetDir.resolve("train")) && Files.isDirectory(datasetDir.resolve("test"))) {
			return Optional.of(new Source(datasetDir, false));
		}
		try (Stream<Path> files = Files.list(datasetDir)) {
			return files.filter(Files::isRegularFile).filter(p -> {
				String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
				return n.endsWith(".tar.gz") || n.endsWith(".tgz") || n.endsWith(".tar");
			}).sorted().findFirst().map(p -> new Source(p, true));
		}
	}

	/**
	 * Lists every image entry with its bytes, in a stable order (archive or name order).
	 */
	public static List<Entry> entries(Source source) throws IOException {
		return entries(source, true);
	}

	/**
	 * Lists every image entry in a stable order. Without {@code allBytes} only the first
	 * image of each split keeps its bytes: enough to describe a dataset without holding
	 * all of it.
	 */
	public static List<Entry> entries(Source source, boolean allBytes) throws IOException {
		List<Entry> entries = new ArrayList<>();
		boolean[] sampled = new boolean[2];
		if (source.archive()) {
			String name = source.path().getFileName().toString().toLowerCase(Locale.ROOT);
			try (InputStream in = name.endsWith(".tar") ? Files.newInputStream(source.path())
					: IdxFiles.open(source.path())) {
				TarReader.forEachFile(in, (path, size, content) -> {
					Entry e = toEntry(path);
					if (e != null) {
						boolean keep = allBytes || !sampled[e.train() ? 0 : 1];
						sampled[e.train() ? 0 : 1] = true;
						entries
							.add(new Entry(e.train(), e.className(), e.name(), keep ? content.readAllBytes() : null));
					}
				});
			}
		}
		else {
			try (Stream<Path> files = Files.walk(source.path(), 3)) {
				for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
					String rel = source.path().relativize(p).toString().replace('\\', '/');
					Entry e = toEntry(rel);
					if (e != null) {
						boolean keep = allBytes || !sampled[e.train() ? 0 : 1];
						sampled[e.train() ? 0 : 1] = true;
						entries.add(keep ? new Entry(e.train(), e.className(), e.name(), Files.readAllBytes(p)) : e);
					}
				}
			}
		}
		return entries;
	}

	/**
	 * Maps {@code [prefix/]train|test/<class>/<file>} to an entry, or null for anything
	 * else.
	 */
	private static Entry toEntry(String path) {
		String[] parts = path.split("/");
		if (parts.length < 3) {
			return null;
		}
		String split = parts[parts.length - 3];
		String fileName = parts[parts.length - 1];
		boolean isImage = IMAGE_EXTENSIONS.stream().anyMatch(ext -> fileName.toLowerCase(Locale.ROOT).endsWith(ext));
		if (!isImage || fileName.startsWith(".") || !(split.equals("train") || split.equals("test"))) {
			return null;
		}
		return new Entry(split.equals("train"), parts[parts.length - 2], fileName, null);
	}

	/** Class names (sorted folder names of the training split). */
	public static List<String> classes(List<Entry> entries) throws DatasetFormatException {
		TreeSet<String> train = new TreeSet<>();
		TreeSet<String> test = new TreeSet<>();
		for (Entry e : entries) {
			(e.train() ? train : test).add(e.className());
		}
		if (train.isEmpty() || test.isEmpty()) {
			throw new DatasetFormatException("needs images under both train/<class>/ and test/<class>/");
		}
		if (!train.containsAll(test)) {
			test.removeAll(train);
			throw new DatasetFormatException("test/ has classes that train/ lacks: " + test);
		}
		return List.copyOf(train);
	}

	/**
	 * Decodes every image once. All images take the size of the first training image
	 * (others are scaled); a dataset whose images are all grey gets one channel, else
	 * three.
	 */
	public static Splits decode(List<Entry> entries) throws IOException {
		List<String> classes = classes(entries);
		BufferedImage[] images = new BufferedImage[entries.size()];
		try {
			IntStream.range(0, entries.size()).parallel().forEach(i -> images[i] = decodeOne(entries.get(i)));
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
		int first = IntStream.range(0, entries.size()).filter(i -> entries.get(i).train()).findFirst().orElse(0);
		int width = images[first].getWidth();
		int height = images[first].getHeight();
		boolean grey = true;
		for (BufferedImage img : images) {
			grey &= isGrey(img);
		}
		int channels = grey ? 1 : 3;
		ImageSet train = pack(entries, images, classes, true, channels, height, width);
		ImageSet test = pack(entries, images, classes, false, channels, height, width);
		return new Splits(classes, interleave(train), interleave(test));
	}

	/**
	 * Folder datasets come sorted by class; a fixed pseudo-random order makes "shuffle
	 * off", trainLimit and testLimit behave as they do on datasets stored mixed.
	 */
	private static ImageSet interleave(ImageSet set) {
		int[] order = IntStream.range(0, set.count()).toArray();
		Random random = new Random(0);
		for (int i = order.length - 1; i > 0; i--) {
			int j = random.nextInt(i + 1);
			int t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		int size = set.imageSize();
		byte[] pixels = new byte[set.pixels().length];
		int[] labels = new int[set.count()];
		for (int i = 0; i < order.length; i++) {
			System.arraycopy(set.pixels(), order[i] * size, pixels, i * size, size);
			labels[i] = set.labels()[order[i]];
		}
		return new ImageSet(pixels, labels, set.count(), set.channels(), set.height(), set.width());
	}

	private static BufferedImage decodeOne(Entry e) {
		try {
			BufferedImage img = ImageIO.read(new ByteArrayInputStream(e.bytes()));
			if (img == null) {
				throw new DatasetFormatException(
						(e.train() ? "train/" : "test/") + e.className() + "/" + e.name() + " is not a readable image");
			}
			return img;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex instanceof DatasetFormatException ? ex
					: new DatasetFormatException((e.train() ? "train/" : "test/") + e.className() + "/" + e.name()
							+ " is not a readable image: " + ex.getMessage()));
		}
	}

	private static boolean isGrey(BufferedImage img) {
		return img.getColorModel().getNumColorComponents() == 1;
	}

	private static ImageSet pack(List<Entry> entries, BufferedImage[] images, List<String> classes, boolean train,
			int channels, int height, int width) {
		int count = (int) entries.stream().filter(e -> e.train() == train).count();
		int plane = height * width;
		byte[] pixels = new byte[count * channels * plane];
		int[] labels = new int[count];
		int n = 0;
		for (int i = 0; i < entries.size(); i++) {
			Entry e = entries.get(i);
			if (e.train() != train) {
				continue;
			}
			writeChw(fit(images[i], width, height), channels, pixels, n * channels * plane);
			labels[n] = classes.indexOf(e.className());
			n++;
		}
		return new ImageSet(pixels, labels, count, channels, height, width);
	}

	private static BufferedImage fit(BufferedImage img, int width, int height) {
		if (img.getWidth() == width && img.getHeight() == height) {
			return img;
		}
		BufferedImage scaled = new BufferedImage(width, height,
				isGrey(img) ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
		Graphics2D g = scaled.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
		g.drawImage(img, 0, 0, width, height, null);
		g.dispose();
		return scaled;
	}

	/**
	 * Writes one image as CHW bytes; grey rasters are read raw (getRGB would gamma-shift
	 * them).
	 */
	public static void writeChw(BufferedImage img, int channels, byte[] into, int offset) {
		int w = img.getWidth();
		int h = img.getHeight();
		int plane = w * h;
		Raster raster = img.getRaster();
		boolean rawGrey = isGrey(img) && img.getColorModel() instanceof ComponentColorModel
				&& raster.getSampleModel().getSampleSize(0) == 8;
		if (rawGrey) {
			int[] samples = raster.getSamples(0, 0, w, h, 0, (int[]) null);
			for (int c = 0; c < channels; c++) {
				for (int p = 0; p < plane; p++) {
					into[offset + c * plane + p] = (byte) samples[p];
				}
			}
			return;
		}
		int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
		for (int p = 0; p < plane; p++) {
			int v = argb[p];
			int r = (v >> 16) & 0xFF;
			int g = (v >> 8) & 0xFF;
			int b = v & 0xFF;
			if (channels == 1) {
				into[offset + p] = (byte) Math.round(0.299f * r + 0.587f * g + 0.114f * b);
			}
			else {
				into[offset + p] = (byte) r;
				into[offset + plane + p] = (byte) g;
				into[offset + 2 * plane + p] = (byte) b;
			}
		}
	}

}
