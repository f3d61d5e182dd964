package io.cnnservice.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.cnnservice.TestDatasets;
import io.cnnservice.datasets.formats.IdxFiles;
import io.cnnservice.datasets.formats.ImageFolders;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed datasets are what SHA256SUMS pins, and real: the first images of each
 * split of the whole datasets, byte for byte, with their labels.
 */
class DatasetFixturesTest {

	@Test
	void everyCommittedFileIsTheOneItsChecksumPins() throws IOException {
		Path root = TestDatasets.root();
		List<String> lines = Files.readAllLines(root.resolve("SHA256SUMS"));
		assertThat(lines).hasSize(9);
		for (String line : lines) {
			String[] parts = line.split(" {2}");
			assertThat(TestArchives.hex("SHA-256", Files.readAllBytes(root.resolve(parts[1])))).as(parts[1])
				.isEqualTo(parts[0]);
		}
	}

	@Test
	void theCommittedIdxFilesAreTheFirstImagesOfTheWholeDatasets() throws IOException {
		for (String dataset : List.of("mnist", "fashion-mnist")) {
			Path whole = TestDatasets.full(dataset).resolve(dataset);
			Path part = TestDatasets.root().resolve(dataset);
			for (String name : IdxFiles.STANDARD_NAMES) {
				byte[] subset = read(part.resolve(name + ".gz"));
				byte[] full = read(IdxFiles.find(whole, name).orElseThrow());
				int header = name.contains("images") ? 16 : 8;
				// the same header but for the count, then the same leading bytes
				assertThat(Arrays.copyOfRange(subset, 8, header)).as(name)
					.isEqualTo(Arrays.copyOfRange(full, 8, header));
				assertThat(Arrays.copyOf(subset, 4)).isEqualTo(Arrays.copyOf(full, 4));
				assertThat(Arrays.copyOfRange(subset, header, subset.length)).as(dataset + "/" + name)
					.isEqualTo(Arrays.copyOfRange(full, header, subset.length));
			}
			assertThat(IdxFiles.countImages(part.resolve("train-images-idx3-ubyte.gz")))
				.isEqualTo(TestDatasets.IDX_TRAIN);
		}
	}

	@Test
	void theCommittedCifarPhotosAreTheWholeArchivesFilesByteForByte() throws IOException {
		Path archive = TestDatasets.full("cifar10").resolve("cifar10").resolve("cifar10-jpg.tar.gz");
		Assumptions.assumeTrue(Files.isRegularFile(archive),
				"the whole CIFAR-10 found is not the JPEG archive the committed photos come from");
		Map<String, byte[]> whole = new HashMap<>();
		for (ImageFolders.Entry e : ImageFolders.entries(new ImageFolders.Source(archive, true))) {
			whole.put(key(e), e.bytes());
		}
		List<ImageFolders.Entry> committed = ImageFolders
			.entries(new ImageFolders.Source(TestDatasets.cifarArchive(), true));
		assertThat(committed).hasSize(TestDatasets.CIFAR_TRAIN + TestDatasets.CIFAR_TEST);
		for (ImageFolders.Entry e : committed) {
			assertThat(e.bytes()).as(key(e)).isEqualTo(whole.get(key(e)));
		}
	}

	private static String key(ImageFolders.Entry e) {
		return (e.train() ? "train/" : "test/") + e.className() + "/" + e.name();
	}

	private static byte[] read(Path file) throws IOException {
		try (InputStream in = IdxFiles.open(file)) {
			return in.readAllBytes();
		}
	}

}
