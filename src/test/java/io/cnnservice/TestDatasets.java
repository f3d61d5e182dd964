package io.cnnservice;

import java.awt.image.BufferedImage;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.cnnservice.datasets.DatasetCatalog;
import io.cnnservice.datasets.DatasetDownloader;
import io.cnnservice.datasets.DatasetDownloads;
import io.cnnservice.datasets.DatasetInfo;
import io.cnnservice.datasets.DatasetProperties;
import io.cnnservice.datasets.formats.ImageSet;
import org.junit.jupiter.api.Assumptions;

/**
 * The datasets tests read. Most read the small real subsets committed under
 * {@code src/test/resources/datasets}; the few that need a whole dataset ask
 * {@link #full} for it.
 */
public final class TestDatasets {

	/** Images in each committed MNIST and Fashion-MNIST split. */
	public static final int IDX_TRAIN = 2000;

	public static final int IDX_TEST = 1000;

	/** Images in each committed CIFAR-10 split. */
	public static final int CIFAR_TRAIN = 700;

	public static final int CIFAR_TEST = 300;

	private static final Map<String, Integer> FULL_TRAIN_SIZES = Map.of("mnist", 60_000, "fashion-mnist", 60_000,
			"cifar10", 50_000);

	private static final Map<String, Optional<Path>> found = new ConcurrentHashMap<>();

	private TestDatasets() {
	}

	/**
	 * The committed subsets, laid out as a datasets root: mnist/, fashion-mnist/,
	 * cifar10/.
	 */
	public static Path root() {
		URL sums = TestDatasets.class.getResource("/datasets/SHA256SUMS");
		if (sums == null) {
			throw new IllegalStateException("src/test/resources/datasets is missing from the test classpath");
		}
		try {
			return Path.of(sums.toURI()).getParent();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static Path mnist() {
		return root().resolve("mnist");
	}

	public static Path cifarArchive() {
		return root().resolve("cifar10").resolve("cifar10-jpg.tar.gz");
	}

	/**
	 * A datasets root holding the whole of a standard dataset, looked for in
	 * {@code CNN_TEST_DATASETS} (or {@code -Dcnn.test.datasets}), then
	 * {@code ../shared/datasets}, then {@code ~/.cache/cnn-service/datasets}. With
	 * {@code CNN_TEST_DOWNLOAD=true} a missing one is downloaded into that cache, checked
	 * as the service checks it. Otherwise the calling test is skipped, or fails if
	 * {@code CNN_REQUIRE_DATASETS=true}.
	 */
	public static Path full(String dataset) {
		Optional<Path> root = found.computeIfAbsent(dataset, TestDatasets::lookUp);
		if (root.isPresent()) {
			return root.get();
		}
		String where = "it is in none of " + String.join(", ", places().keySet())
				+ ". Set CNN_TEST_DATASETS to a folder" + " holding " + dataset
				+ "/, or CNN_TEST_DOWNLOAD=true to download it into the cache";
		if (flag("CNN_REQUIRE_DATASETS")) {
			throw new IllegalStateException(
					"CNN_REQUIRE_DATASETS is set and this test needs the whole of " + dataset + ", but " + where);
		}
		if (skipped.putIfAbsent(dataset, true) == null) {
			System.out.println("[datasets] skipping the tests that need the whole of " + dataset + ": " + where);
		}
		Assumptions.abort("needs the whole of " + dataset + ": " + where);
		throw new AssertionError("unreachable");
	}

	private static final Map<String, Boolean> skipped = new ConcurrentHashMap<>();

	/** Where whole datasets are looked for, by how the skip message names them. */
	private static Map<String, Path> places() {
		Map<String, Path> places = new LinkedHashMap<>();
		String configured = System.getenv("CNN_TEST_DATASETS");
		if (configured == null || configured.isBlank()) {
			configured = System.getProperty("cnn.test.datasets");
		}
		if (configured != null && !configured.isBlank()) {
			places.put("CNN_TEST_DATASETS (" + configured + ")", Path.of(configured));
		}
		places.put("../shared/datasets", Path.of("..", "shared", "datasets"));
		places.put("~/.cache/cnn-service/datasets", cache());
		return places;
	}

	private static Path cache() {
		return Path.of(System.getProperty("user.home"), ".cache", "cnn-service", "datasets");
	}

	private static Optional<Path> lookUp(String dataset) {
		for (Path place : places().values()) {
			if (holdsAll(place, dataset)) {
				return Optional.of(place.toAbsolutePath().normalize());
			}
		}
		if (flag("CNN_TEST_DOWNLOAD")) {
			System.out.println("[datasets] downloading " + dataset + " into " + cache());
			DatasetProperties properties = new DatasetProperties(cache(), true, Duration.ofSeconds(60), null);
			try (DatasetDownloads downloads = new DatasetDownloads(properties, new DatasetDownloader(properties))) {
				downloads.download(dataset);
			}
			if (holdsAll(cache(), dataset)) {
				return Optional.of(cache());
			}
		}
		return Optional.empty();
	}

	/** Whether a root holds the dataset whole: every image of its training split. */
	private static boolean holdsAll(Path root, String dataset) {
		if (!Files.isDirectory(root.resolve(dataset))) {
			return false;
		}
		DatasetInfo info = catalog(root).describe(dataset);
		return info.ready() && FULL_TRAIN_SIZES.get(dataset).equals(info.trainSize());
	}

	/** A catalogue over a datasets root that never downloads. */
	public static DatasetCatalog catalog(Path root) {
		DatasetProperties properties = new DatasetProperties(root, false, Duration.ofSeconds(5), null);
		return new DatasetCatalog(properties, new DatasetDownloads(properties, new DatasetDownloader(properties)));
	}

	private static boolean flag(String name) {
		return Boolean.parseBoolean(System.getenv(name)) || Boolean.getBoolean(name.toLowerCase().replace('_', '.'));
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
