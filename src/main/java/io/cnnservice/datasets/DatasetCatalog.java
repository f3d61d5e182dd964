package io.cnnservice.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.cnnservice.datasets.formats.CifarBinaryFiles;
import io.cnnservice.datasets.formats.DatasetFormatException;
import io.cnnservice.datasets.formats.IdxFiles;
import io.cnnservice.datasets.formats.ImageFolders;
import io.cnnservice.datasets.formats.ImageSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Finds datasets under the datasets root, describes them, and decodes each one once into
 * memory on first use.
 */
@Service
public class DatasetCatalog {

	private static final Logger log = LoggerFactory.getLogger(DatasetCatalog.class);

	static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

	static final String MNIST = "mnist";

	static final String FASHION_MNIST = "fashion-mnist";

	static final String CIFAR10 = "cifar10";

	static final List<String> STANDARD = List.of(MNIST, FASHION_MNIST, CIFAR10);

	static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
			"Shirt", "Sneaker", "Bag", "Ankle boot");

	private final DatasetProperties properties;

	private final DatasetDownloads downloads;

	private final Map<String, LoadedDataset> loaded = new ConcurrentHashMap<>();

	private final Map<String, Object> locks = new ConcurrentHashMap<>();

	/**
	 * Descriptions are cheap to keep and costly to rebuild for archives (a full read).
	 */
	private final Map<String, CachedInfo> infos = new ConcurrentHashMap<>();

	private record CachedInfo(long stamp, DatasetInfo info) {
	}

	public DatasetCatalog(DatasetProperties properties, DatasetDownloads downloads) {
		this.properties = properties;
		this.downloads = downloads;
	}

	public Path root() {
		return this.properties.root();
	}

	/** Every standard dataset plus every custom folder under the root, sorted by name. */
	public List<DatasetInfo> list() {
		TreeSet<String> names = new TreeSet<>(STANDARD);
		if (Files.isDirectory(root())) {
			try (Stream<Path> dirs = Files.list(root())) {
				dirs.filter(Files::isDirectory)
					.map(p -> p.getFileName().toString())
					.filter(n -> NAME.matcher(n).matches())
					.forEach(names::add);
			}
			catch (IOException ex) {
				log.warn("Cannot list datasets under {}: {}", root(), ex.getMessage());
			}
		}
		List<DatasetInfo> result = new ArrayList<>();
		for (String name : names) {
			DatasetInfo info = describe(name);
			if (info.ready() || STANDARD.contains(name) || info.format() != null) {
				result.add(info);
			}
		}
		return result;
	}

	/** Whether the name is standard or has a folder under the root. */
	public boolean exists(String name) {
		return STANDARD.contains(name) || (NAME.matcher(name).matches() && Files.isDirectory(root().resolve(name)));
	}

	public DatasetInfo describe(String name) {
		if (!exists(name)) {
			throw DatasetNotFoundException.forName(name);
		}
		LoadedDataset data = this.loaded.get(name);
		if (data != null) {
			return infoOf(data, formatOf(root().resolve(name)), root().resolve(name).toString(),
					this.downloads.canDownload(name));
		}
		Path dir = root().resolve(name);
		long stamp = stamp(dir);
		CachedInfo cached = this.infos.get(name);
		if (cached != null && cached.stamp() == stamp) {
			return cached.info();
		}
		DatasetInfo info = scan(name, dir);
		if (info.format() != null) {
			// an absent one is cheap to describe, and its download state changes
			this.infos.put(name, new CachedInfo(stamp, info));
		}
		return info;
	}

	/**
	 * The decoded dataset, loading (and for standard datasets, downloading) it on first
	 * use.
	 * @throws DatasetNotFoundException for an unknown name
	 * @throws DatasetUnavailableException when it cannot be read
	 */
	public LoadedDataset load(String name) {
		if (!exists(name)) {
			throw DatasetNotFoundException.forName(name);
		}
		LoadedDataset data = this.loaded.get(name);
		if (data != null) {
			return data;
		}
		synchronized (this.locks.computeIfAbsent(name, n -> new Object())) {
			data = this.loaded.get(name);
			if (data == null) {
				long start = System.nanoTime();
				data = read(name, root().resolve(name));
				this.loaded.put(name, data);
				log.info("Loaded dataset {} ({} train / {} test images of {}x{}x{}) in {} ms", name,
						data.train().count(), data.test().count(), data.channels(), data.height(), data.width(),
						(System.nanoTime() - start) / 1_000_000);
			}
			return data;
		}
	}

	/**
	 * Starts downloading a missing standard dataset, or joins the download that runs, and
	 * waits up to {@code wait} for data to flow so that a mirror's refusal is reported at
	 * once.
	 * @return the dataset as it is then: ready, or downloading
	 * @throws DatasetDownloadException when it cannot be downloaded, or every mirror
	 * failed
	 */
	public DatasetInfo download(String name, Duration wait) {
		DatasetInfo info = describe(name);
		if (info.ready()) {
			return info;
		}
		if (!STANDARD.contains(name)) {
			throw DatasetDownloadException.notDownloadable(name,
					"it is a custom folder; only " + String.join(", ", STANDARD) + " download");
		}
		if (!this.downloads.canDownload(name)) {
			throw DatasetDownloadException.notDownloadable(name, "downloading is disabled (cnn.datasets.download)");
		}
		DatasetDownloads.Download download = this.downloads.start(name);
		try {
			this.downloads.awaitTransfer(download, wait);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (download.failure() != null) {
			throw DatasetDownloadException.failed(download.failure());
		}
		return describe(name);
	}

	/** Whether the dataset's tensors are cached in memory. */
	public boolean isLoaded(String name) {
		return this.loaded.containsKey(name);
	}

	private LoadedDataset read(String name, Path dir) {
		try {
			if (STANDARD.contains(name) && formatOf(dir) == null) {
				if (!this.downloads.canDownload(name)) {
					throw DatasetUnavailableException.because(name, "there is no copy under " + dir + " ("
							+ expected(name) + ") and downloading is disabled (cnn.datasets.download)");
				}
				this.downloads.download(name);
			}
			String format = formatOf(dir);
			if (format == null) {
				throw DatasetUnavailableException.because(name,
						"no readable data under " + dir + " (" + expected(name) + ")");
			}
			return switch (format) {
				case "idx" -> fromSplits(name, classesForIdx(name, null), IdxFiles.read(idx(dir, 0), idx(dir, 1)),
						IdxFiles.read(idx(dir, 2), idx(dir, 3)));
				case "cifar-binary" -> {
					Path batches = CifarBinaryFiles.locate(dir).orElseThrow();
					List<String> classes = CifarBinaryFiles.classes(batches);
					yield fromSplits(name, classes,
							CifarBinaryFiles.read(CifarBinaryFiles.TRAIN_FILES.stream().map(batches::resolve).toList(),
									classes.size()),
							CifarBinaryFiles.read(List.of(batches.resolve(CifarBinaryFiles.TEST_FILE)),
									classes.size()));
				}
				default -> {
					// decoding JPEGs takes seconds; a raw copy reads in a fraction of one
					DecodedCache cache = new DecodedCache(root().resolve(".decoded"));
					Path cached = cache.file(name, dir);
					Optional<LoadedDataset> copy = cache.read(cached, name);
					if (copy.isPresent()) {
						yield copy.get();
					}
					ImageFolders.Splits splits = ImageFolders
						.decode(ImageFolders.entries(ImageFolders.locate(dir).orElseThrow()));
					LoadedDataset decoded = fromSplits(name, splits.classes(), splits.train(), splits.test());
					cache.write(cached, decoded);
					yield decoded;
				}
			};
		}
		catch (IOException ex) {
			throw DatasetUnavailableException.because(name, ex.getMessage(), ex);
		}
	}

	private LoadedDataset fromSplits(String name, List<String> classes, ImageSet train, ImageSet test)
			throws DatasetFormatException {
		if (train.channels() != test.channels() || train.height() != test.height() || train.width() != test.width()) {
			throw new DatasetFormatException("train and test images differ in shape");
		}
		List<String> names = (classes != null) ? classes : classesForIdx(name, train);
		int maxLabel = Math.max(IntStream.of(train.labels()).max().orElse(0),
				IntStream.of(test.labels()).max().orElse(0));
		if (maxLabel >= names.size()) {
			throw new DatasetFormatException("label " + maxLabel + " has no class name (" + names.size() + " classes)");
		}
		ImageSet.Moments moments = train.channelMoments();
		return new LoadedDataset(name, names, train, test, moments.mean(), moments.std());
	}

	private static List<String> classesForIdx(String name, ImageSet train) {
		if (name.equals(MNIST)) {
			return IntStream.range(0, 10).mapToObj(Integer::toString).toList();
		}
		if (name.equals(FASHION_MNIST)) {
			return FASHION_CLASSES;
		}
		if (train == null) {
			return null;
		}
		int max = IntStream.of(train.labels()).max().orElse(0);
		return IntStream.rangeClosed(0, max).mapToObj(Integer::toString).toList();
	}

	private static Path idx(Path dir, int i) throws DatasetFormatException {
		return IdxFiles.find(dir, IdxFiles.STANDARD_NAMES.get(i))
			.orElseThrow(() -> new DatasetFormatException(IdxFiles.STANDARD_NAMES.get(i) + " is missing"));
	}

	private static String expected(String name) {
		return switch (name) {
			case MNIST, FASHION_MNIST -> "expected the four idx files, gzipped or not";
			case CIFAR10 -> "expected data_batch_1..5.bin and test_batch.bin, or train/<class>/ and test/<class>/ "
					+ "images as a folder or a .tar.gz";
			default -> "expected train/<class>/ and test/<class>/ images as a folder or a .tar.gz";
		};
	}

	static String formatOf(Path dir) {
		if (!Files.isDirectory(dir)) {
			return null;
		}
		if (IdxFiles.isComplete(dir)) {
			return "idx";
		}
		if (CifarBinaryFiles.locate(dir).isPresent()) {
			return "cifar-binary";
		}
		try {
			return ImageFolders.locate(dir)
				.map(s -> s.archive() ? "image-folders-archive" : "image-folders")
				.orElse(null);
		}
		catch (IOException ex) {
			return null;
		}
	}

	private DatasetInfo scan(String name, Path dir) {
		String kind = STANDARD.contains(name) ? "standard" : "custom";
		boolean downloadable = this.downloads.canDownload(name);
		String format = formatOf(dir);
		if (format == null) {
			return absent(name, kind, dir, downloadable);
		}
		try {
			return switch (format) {
				case "idx" -> {
					int train = IdxFiles.countImages(idx(dir, 0));
					int test = IdxFiles.countImages(idx(dir, 2));
					// the test split is small; reading it gives the image size and, for
					// custom idx data, the labels
					ImageSet testSet = IdxFiles.read(idx(dir, 2), idx(dir, 3));
					List<String> classes = classesForIdx(name, testSet);
					yield ready(name, kind, format, classes, List.of(1, testSet.height(), testSet.width()), train, test,
							dir.toString(), downloadable);
				}
				case "cifar-binary" -> {
					Path batches = CifarBinaryFiles.locate(dir).orElseThrow();
					int train = 0;
					for (String f : CifarBinaryFiles.TRAIN_FILES) {
						train += CifarBinaryFiles.count(batches.resolve(f));
					}
					int test = CifarBinaryFiles.count(batches.resolve(CifarBinaryFiles.TEST_FILE));
					yield ready(name, kind, format, CifarBinaryFiles.classes(batches), List.of(3, 32, 32), train, test,
							batches.toString(), downloadable);
				}
				default -> {
					ImageFolders.Source source = ImageFolders.locate(dir).orElseThrow();
					List<ImageFolders.Entry> entries = ImageFolders.entries(source, false);
					List<String> classes = ImageFolders.classes(entries);
					ImageFolders.Entry first = entries.stream()
						.filter(ImageFolders.Entry::train)
						.findFirst()
						.orElseThrow();
					ImageFolders.Splits sample = ImageFolders
						.decode(List.of(first, entries.stream().filter(e -> !e.train()).findFirst().orElseThrow()));
					int train = (int) entries.stream().filter(ImageFolders.Entry::train).count();
					yield ready(name, kind, format, classes,
							List.of(sample.train().channels(), sample.train().height(), sample.train().width()), train,
							entries.size() - train, source.path().toString(), downloadable);
				}
			};
		}
		catch (IOException | RuntimeException ex) {
			return DatasetInfo.named(name)
				.kind(kind)
				.state(DatasetInfo.State.INVALID)
				.format(format)
				.location(dir.toString())
				.downloadable(downloadable)
				.problem(ex.getMessage())
				.build();
		}
	}

	private static DatasetInfo ready(String name, String kind, String format, List<String> classes, List<Integer> shape,
			int train, int test, String location, boolean downloadable) {
		return DatasetInfo.named(name)
			.kind(kind)
			.state(DatasetInfo.State.READY)
			.format(format)
			.contents(classes, shape)
			.sizes(train, test)
			.location(location)
			.downloadable(downloadable)
			.build();
	}

	/**
	 * A dataset with no readable copy: whether it downloads, or failed to, and for a
	 * standard one the classes and shape it will have.
	 */
	private DatasetInfo absent(String name, String kind, Path dir, boolean downloadable) {
		List<String> classes = switch (name) {
			case MNIST -> classesForIdx(MNIST, null);
			case FASHION_MNIST -> FASHION_CLASSES;
			case CIFAR10 -> CifarBinaryFiles.CLASSES;
			default -> null;
		};
		List<Integer> shape = switch (name) {
			case MNIST, FASHION_MNIST -> List.of(1, 28, 28);
			case CIFAR10 -> List.of(3, 32, 32);
			default -> null;
		};
		DatasetInfo.Builder missing = DatasetInfo.named(name)
			.kind(kind)
			.contents(classes, shape)
			.location(dir.toString())
			.downloadable(downloadable);
		DatasetDownloads.Download latest = this.downloads.latest(name).orElse(null);
		if (latest != null && latest.running()) {
			return missing.state(DatasetInfo.State.DOWNLOADING)
				.download(DatasetInfo.Download.of(latest.progress()))
				.build();
		}
		if (latest != null && latest.failure() != null) {
			return missing.state(DatasetInfo.State.FAILED).problem(latest.failure()).build();
		}
		String problem = Files.isDirectory(dir) ? "no readable data under " + dir + " (" + expected(name) + ")"
				: dir + " does not exist";
		if (downloadable) {
			problem += "; it is downloaded on first use, or ahead with POST /api/v1/datasets/" + name + "/download";
		}
		else if (STANDARD.contains(name)) {
			problem += "; downloading is disabled (cnn.datasets.download)";
		}
		return missing.state(DatasetInfo.State.ABSENT).problem(problem).build();
	}

	private static DatasetInfo infoOf(LoadedDataset data, String format, String location, boolean downloadable) {
		return DatasetInfo.named(data.name())
			.kind(STANDARD.contains(data.name()) ? "standard" : "custom")
			.state(DatasetInfo.State.READY)
			.format(format)
			.contents(data.classes(), List.of(data.channels(), data.height(), data.width()))
			.sizes(data.train().count(), data.test().count())
			.location(location)
			.loaded(true)
			.downloadable(downloadable)
			.build();
	}

	private static long stamp(Path dir) {
		try (Stream<Path> files = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
			long s = Files.isDirectory(dir) ? Files.getLastModifiedTime(dir).toMillis() : -1;
			for (Path p : files.toList()) {
				s = 31 * s + Files.getLastModifiedTime(p).toMillis() + Files.size(p);
			}
			return s;
		}
		catch (IOException ex) {
			return System.nanoTime();
		}
	}

}
