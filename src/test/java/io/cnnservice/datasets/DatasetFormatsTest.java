package io.cnnservice.datasets;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.imageio.ImageIO;

import io.cnnservice.TestDatasets;
import io.cnnservice.datasets.formats.CifarBinaryFiles;
import io.cnnservice.datasets.formats.IdxFiles;
import io.cnnservice.datasets.formats.ImageFolders;
import io.cnnservice.datasets.formats.ImageSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The three storage formats read from real data: the CIFAR-10 JPEG archive, CIFAR-10
 * binary batches written from those images, and custom image folders.
 */
class DatasetFormatsTest {

	private static List<ImageFolders.Entry> archive;

	@BeforeAll
	static void readArchive() throws IOException {
		archive = ImageFolders.entries(new ImageFolders.Source(TestDatasets.cifarArchive(), true));
	}

	/** The first {@code perClass} images of each class and split, as decoded splits. */
	private static ImageFolders.Splits sample(int trainPerClass, int testPerClass) throws IOException {
		Map<String, Integer> taken = new HashMap<>();
		List<ImageFolders.Entry> picked = new ArrayList<>();
		for (ImageFolders.Entry e : archive) {
			String key = e.train() + "/" + e.className();
			int n = taken.merge(key, 1, Integer::sum);
			if (n <= (e.train() ? trainPerClass : testPerClass)) {
				picked.add(e);
			}
		}
		return ImageFolders.decode(picked);
	}

	private static DatasetCatalog catalog(Path root) {
		DatasetProperties props = new DatasetProperties(root, false, java.time.Duration.ofSeconds(5), null);
		return new DatasetCatalog(props, new DatasetDownloads(props, new DatasetDownloader(props)));
	}

	@Test
	void readsTheCifarJpegArchiveWithItsClassesAndSplits() throws IOException {
		long train = archive.stream().filter(ImageFolders.Entry::train).count();
		assertThat(train).isEqualTo(TestDatasets.CIFAR_TRAIN);
		assertThat(archive.size() - train).isEqualTo(TestDatasets.CIFAR_TEST);
		assertThat(ImageFolders.classes(archive)).containsExactly("airplane", "automobile", "bird", "cat", "deer",
				"dog", "frog", "horse", "ship", "truck");

		ImageFolders.Splits splits = sample(20, 5);
		assertThat(splits.train().count()).isEqualTo(200);
		assertThat(splits.test().count()).isEqualTo(50);
		assertThat(splits.train().channels()).isEqualTo(3);
		assertThat(splits.train().height()).isEqualTo(32);
		// folder datasets are stored interleaved, not class by class
		assertThat(java.util.Arrays.stream(splits.train().labels()).limit(20).distinct().count()).isGreaterThan(3);
		assertThat(java.util.Arrays.stream(splits.test().labels()).limit(20).distinct().count()).isGreaterThan(3);
	}

	@Test
	void readsCifarBinaryBatchesPixelForPixel(@TempDir Path root) throws IOException {
		ImageFolders.Splits splits = sample(10, 4);
		Path batches = Files.createDirectories(root.resolve("cifar10").resolve("cifar-10-batches-bin"));
		ImageSet train = splits.train();
		int perBatch = train.count() / 5;
		for (int b = 0; b < 5; b++) {
			writeBatch(batches.resolve("data_batch_" + (b + 1) + ".bin"), train, b * perBatch, (b + 1) * perBatch);
		}
		writeBatch(batches.resolve("test_batch.bin"), splits.test(), 0, splits.test().count());

		DatasetCatalog catalog = catalog(root);
		DatasetInfo info = catalog.describe("cifar10");
		assertThat(info.format()).isEqualTo("cifar-binary");
		assertThat(info.trainSize()).isEqualTo(100);
		assertThat(info.testSize()).isEqualTo(40);
		LoadedDataset loaded = catalog.load("cifar10");
		assertThat(loaded.train().pixels()).isEqualTo(train.pixels());
		assertThat(loaded.train().labels()).isEqualTo(train.labels());
		assertThat(loaded.test().pixels()).isEqualTo(splits.test().pixels());
		assertThat(loaded.classes()).hasSize(10).startsWith("airplane");
	}

	@Test
	void rejectsACifarBatchOfTheWrongSize(@TempDir Path root) throws IOException {
		Path dir = Files.createDirectories(root.resolve("cifar10"));
		for (String f : CifarBinaryFiles.TRAIN_FILES) {
			Files.write(dir.resolve(f), new byte[CifarBinaryFiles.RECORD]);
		}
		Files.write(dir.resolve("test_batch.bin"), new byte[CifarBinaryFiles.RECORD + 7]);

		assertThatThrownBy(() -> catalog(root).load("cifar10")).isInstanceOf(DatasetUnavailableException.class)
			.hasMessageContaining("not a multiple of 3073");
	}

	@Test
	void listsAndLoadsACustomColourImageFolder(@TempDir Path root) throws IOException {
		ImageFolders.Splits splits = sample(6, 3);
		Path dir = root.resolve("my-pets");
		writePngs(dir, splits.classes(), splits.train(), "train");
		writePngs(dir, splits.classes(), splits.test(), "test");

		DatasetCatalog catalog = catalog(root);
		assertThat(catalog.list()).extracting(DatasetInfo::name).contains("my-pets", "mnist", "cifar10");
		DatasetInfo info = catalog.describe("my-pets");
		assertThat(info.kind()).isEqualTo("custom");
		assertThat(info.format()).isEqualTo("image-folders");
		assertThat(info.inputShape()).containsExactly(3, 32, 32);
		assertThat(info.trainSize()).isEqualTo(60);
		assertThat(info.testSize()).isEqualTo(30);

		LoadedDataset loaded = catalog.load("my-pets");
		assertThat(loaded.classes()).isEqualTo(splits.classes());
		// PNG is lossless: every class keeps exactly its pixels, whatever the order
		assertThat(pixelSumsByClass(loaded.train())).isEqualTo(pixelSumsByClass(splits.train()));
		assertThat(pixelSumsByClass(loaded.test())).isEqualTo(pixelSumsByClass(splits.test()));
	}

	@Test
	void aFolderOfGreyDigitsBecomesAOneChannelDataset(@TempDir Path root) throws IOException {
		Path mnist = TestDatasets.mnist();
		ImageSet digits = IdxFiles
			.read(mnist.resolve("t10k-images-idx3-ubyte.gz"), mnist.resolve("t10k-labels-idx1-ubyte.gz"))
			.limit(100);
		List<String> classes = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
		Path dir = root.resolve("digits");
		writePngs(dir, classes, digits, "train");
		writePngs(dir, classes, digits, "test");

		LoadedDataset loaded = catalog(root).load("digits");
		assertThat(loaded.channels()).isEqualTo(1);
		assertThat(loaded.height()).isEqualTo(28);
		assertThat(pixelSumsByClass(loaded.test())).isEqualTo(pixelSumsByClass(digits).entrySet()
			.stream()
			.collect(Collectors.toMap(e -> classes.indexOf(Integer.toString(e.getKey())), Map.Entry::getValue)));
	}

	@Test
	void reportsAFolderWithoutATestSplitAsNotReady(@TempDir Path root) throws IOException {
		Files.createDirectories(root.resolve("half").resolve("train").resolve("a"));
		DatasetInfo info = catalog(root).describe("half");
		assertThat(info.ready()).isFalse();
		assertThat(info.problem()).contains("train/<class>/ and test/<class>/");
	}

	@Test
	void unknownDatasetNamesAreNotFound(@TempDir Path root) {
		assertThatThrownBy(() -> catalog(root).load("../etc")).isInstanceOf(DatasetNotFoundException.class);
		assertThatThrownBy(() -> catalog(root).describe("nothing-here")).isInstanceOf(DatasetNotFoundException.class);
	}

	private static Map<Integer, Long> pixelSumsByClass(ImageSet set) {
		Map<Integer, Long> sums = new HashMap<>();
		for (int i = 0; i < set.count(); i++) {
			long s = 0;
			for (int p = 0; p < set.imageSize(); p++) {
				s += set.pixels()[i * set.imageSize() + p] & 0xFF;
			}
			sums.merge(set.labels()[i], s, Long::sum);
		}
		return sums;
	}

	private static void writeBatch(Path file, ImageSet set, int from, int to) throws IOException {
		try (OutputStream out = Files.newOutputStream(file)) {
			for (int i = from; i < to; i++) {
				out.write(set.labels()[i]);
				out.write(set.pixels(), i * set.imageSize(), set.imageSize());
			}
		}
	}

	private static void writePngs(Path dir, List<String> classes, ImageSet set, String split) throws IOException {
		for (int i = 0; i < set.count(); i++) {
			BufferedImage img = TestDatasets.image(set, i);
			Path classDir = Files.createDirectories(dir.resolve(split).resolve(classes.get(set.labels()[i])));
			ImageIO.write(img, "png", classDir.resolve(i + ".png").toFile());
		}
	}

}
