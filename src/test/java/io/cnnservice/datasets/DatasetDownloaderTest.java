package io.cnnservice.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.cnnservice.TestDatasets;
import io.cnnservice.datasets.formats.IdxFiles;
import io.cnnservice.datasets.formats.ImageFolders;
import io.cnnservice.datasets.formats.ImageSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Downloads from mirrors served on 127.0.0.1 with real images: the committed MNIST
 * re-gzipped, and the committed CIFAR-10 photos in the official binary archive's layout.
 */
class DatasetDownloaderTest {

	private TestMirror mirror;

	@TempDir
	Path root;

	@BeforeEach
	void startMirror() throws IOException {
		this.mirror = new TestMirror();
	}

	@AfterEach
	void stopMirror() {
		this.mirror.close();
	}

	private DatasetDownloader downloader(DownloadSource... sources) {
		Map<String, DownloadSource> byName = Stream.of(sources)
			.collect(java.util.stream.Collectors.toMap(DownloadSource::dataset, s -> s));
		return new DatasetDownloader(new DatasetProperties(this.root, true, Duration.ofSeconds(10), null), byName);
	}

	private void serveMnist() throws IOException {
		for (String name : IdxFiles.STANDARD_NAMES) {
			this.mirror.serve(name + ".gz", TestArchives.regzippedMnist(name));
		}
	}

	private static List<String> namesIn(Path dir) throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			return files.map(p -> p.getFileName().toString()).sorted().toList();
		}
	}

	@Test
	void downloadsAMissingDatasetAndVerifiesItsContentChecksum() throws IOException {
		serveMnist();
		Path dir = this.root.resolve("mnist");
		DownloadProgress progress = new DownloadProgress(1);

		downloader(TestArchives.mnistSource(List.of(this.mirror.url()))).download("mnist", dir, progress);

		assertThat(IdxFiles.isComplete(dir)).isTrue();
		assertThat(Files.readAllBytes(dir.resolve("t10k-labels-idx1-ubyte.gz")))
			.isEqualTo(TestArchives.regzippedMnist("t10k-labels-idx1-ubyte"));
		ImageSet test = IdxFiles.read(dir.resolve("t10k-images-idx3-ubyte.gz"),
				dir.resolve("t10k-labels-idx1-ubyte.gz"));
		assertThat(test.count()).isEqualTo(TestDatasets.IDX_TEST);
		assertThat(namesIn(dir)).noneMatch(n -> n.startsWith("."));
		long served = IdxFiles.STANDARD_NAMES.stream().mapToLong(n -> {
			try {
				return TestArchives.regzippedMnist(n).length;
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}).sum();
		// every mirror announced its sizes, so the total is exact
		assertThat(progress.bytesDone()).isEqualTo(served);
		assertThat(progress.bytesTotal()).isEqualTo(served);
		assertThat(progress.source()).startsWith(this.mirror.url());
	}

	@Test
	void neverKeepsAFileWhoseChecksumDoesNotMatch() throws IOException {
		serveMnist();
		// a mirror that serves the test labels in place of the train labels
		this.mirror.serve("train-labels-idx1-ubyte.gz", TestArchives.regzippedMnist("t10k-labels-idx1-ubyte"));
		Path dir = this.root.resolve("mnist");

		assertThatThrownBy(() -> downloader(TestArchives.mnistSource(List.of(this.mirror.url()))).download("mnist", dir,
				new DownloadProgress(1)))
			.isInstanceOf(DatasetUnavailableException.class)
			.hasMessageContaining(this.mirror.url() + "train-labels-idx1-ubyte.gz")
			.hasMessageContaining("checksum mismatch");
		assertThat(IdxFiles.find(dir, "train-labels-idx1-ubyte")).isEmpty();
		assertThat(namesIn(dir)).containsExactly("train-images-idx3-ubyte.gz");
	}

	@Test
	void aTransferCutShortLeavesNothingBehind() throws IOException {
		serveMnist();
		this.mirror.cutAfter(1000);
		Path dir = this.root.resolve("mnist");

		assertThatThrownBy(() -> downloader(TestArchives.mnistSource(List.of(this.mirror.url()))).download("mnist", dir,
				new DownloadProgress(1)))
			.isInstanceOf(DatasetUnavailableException.class)
			.hasMessageContaining(this.mirror.url() + "train-images-idx3-ubyte.gz");
		assertThat(namesIn(dir)).isEmpty();
	}

	@Test
	void reportsEveryMirrorThatFailedAndWhy() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		String refused = "http://127.0.0.1:" + closedPort + "/";
		DownloadSource source = TestArchives.mnistSource(List.of(refused, this.mirror.url()));

		assertThatThrownBy(
				() -> downloader(source).download("mnist", this.root.resolve("mnist"), new DownloadProgress(1)))
			.isInstanceOf(DatasetUnavailableException.class)
			.hasMessageContaining(refused + "train-images-idx3-ubyte.gz: cannot connect")
			.hasMessageContaining(this.mirror.url() + "train-images-idx3-ubyte.gz: HTTP 404");
	}

	@Test
	void theCatalogDownloadsOnFirstUseAndRefusesWhenDownloadIsOff() throws IOException {
		serveMnist();
		DownloadSource source = TestArchives.mnistSource(List.of(this.mirror.url()));
		DatasetProperties off = new DatasetProperties(this.root, false, Duration.ofSeconds(10), null);
		DatasetCatalog offline = new DatasetCatalog(off,
				new DatasetDownloads(off, new DatasetDownloader(off, Map.of("mnist", source))));
		assertThat(offline.describe("mnist").state()).isEqualTo(DatasetInfo.State.ABSENT);
		assertThatThrownBy(() -> offline.load("mnist")).isInstanceOf(DatasetUnavailableException.class)
			.hasMessageContaining("downloading is disabled");

		DatasetProperties on = new DatasetProperties(this.root, true, Duration.ofSeconds(10), null);
		DatasetCatalog catalog = new DatasetCatalog(on,
				new DatasetDownloads(on, new DatasetDownloader(on, Map.of("mnist", source))));
		DatasetInfo before = catalog.describe("mnist");
		assertThat(before.downloadable()).isTrue();
		// a standard dataset's shape is known before it is there, so a job can be checked
		assertThat(before.inputShape()).containsExactly(1, 28, 28);
		assertThat(before.classes()).hasSize(10);
		LoadedDataset mnist = catalog.load("mnist");
		assertThat(mnist.train().count()).isEqualTo(TestDatasets.IDX_TRAIN);
		assertThat(mnist.classes()).hasSize(10);
		assertThat(catalog.describe("mnist").state()).isEqualTo(DatasetInfo.State.READY);
	}

	@Test
	void downloadsTheCifarBinaryArchiveChecksItAndUnpacksItsBatches() throws IOException {
		ImageFolders.Splits photos = TestArchives.cifar();
		byte[] archive = TestArchives.cifarBinaryArchive(photos);
		this.mirror.serve("cifar-10-binary.tar.gz", archive);
		DatasetProperties on = new DatasetProperties(this.root, true, Duration.ofSeconds(10), null);
		DatasetCatalog catalog = new DatasetCatalog(on, new DatasetDownloads(on, new DatasetDownloader(on,
				Map.of("cifar10", TestArchives.cifarSource(List.of(this.mirror.url()), archive)))));

		LoadedDataset cifar = catalog.load("cifar10");

		assertThat(cifar.train().pixels()).isEqualTo(photos.train().pixels());
		assertThat(cifar.train().labels()).isEqualTo(photos.train().labels());
		assertThat(cifar.test().pixels()).isEqualTo(photos.test().pixels());
		assertThat(cifar.classes()).isEqualTo(photos.classes());
		DatasetInfo info = catalog.describe("cifar10");
		assertThat(info.format()).isEqualTo("cifar-binary");
		assertThat(info.trainSize()).isEqualTo(TestDatasets.CIFAR_TRAIN);
		// the archive is gone once unpacked, and only the batches and class names are
		// kept
		assertThat(namesIn(this.root.resolve("cifar10"))).containsExactly("cifar-10-batches-bin");
		assertThat(namesIn(this.root.resolve("cifar10/cifar-10-batches-bin"))).containsExactly("batches.meta.txt",
				"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin",
				"test_batch.bin");
	}

	@Test
	void aCorruptArchiveIsRefusedNamingTheMirrorAndLeavesNothingBehind() throws IOException {
		byte[] archive = TestArchives.cifarBinaryArchive(TestArchives.cifar());
		byte[] corrupt = archive.clone();
		corrupt[corrupt.length / 2] ^= 0x40;
		this.mirror.serve("cifar-10-binary.tar.gz", corrupt);
		DownloadSource source = TestArchives.cifarSource(List.of(this.mirror.url()), archive);

		assertThatThrownBy(
				() -> downloader(source).download("cifar10", this.root.resolve("cifar10"), new DownloadProgress(1)))
			.isInstanceOf(DatasetUnavailableException.class)
			.hasMessageContaining(this.mirror.url() + "cifar-10-binary.tar.gz: checksum mismatch: expected SHA-256 "
					+ TestArchives.hex("SHA-256", archive));
		assertThat(namesIn(this.root.resolve("cifar10"))).isEmpty();
	}

	@Test
	void theBuiltInChecksumsAreThoseOfTheRealFiles() throws IOException {
		for (String dataset : List.of("mnist", "fashion-mnist")) {
			Path dir = TestDatasets.full(dataset).resolve(dataset);
			for (DownloadSource.RemoteFile file : DownloadSource.STANDARD.get(dataset).files()) {
				byte[] content;
				try (InputStream in = IdxFiles.open(IdxFiles.find(dir, file.name().replace(".gz", "")).orElseThrow())) {
					content = in.readAllBytes();
				}
				assertThat(TestArchives.hex("SHA-256", content)).as(dataset + "/" + file.name())
					.isEqualTo(file.checksum().sha256());
			}
		}
	}

}
