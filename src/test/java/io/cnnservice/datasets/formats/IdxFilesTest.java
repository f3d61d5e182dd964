package io.cnnservice.datasets.formats;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import io.cnnservice.TestDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdxFilesTest {

	@Test
	void readsTheRealGzippedMnistSplits() throws Exception {
		Path dir = TestDatasets.mnist();
		ImageSet train = IdxFiles.read(dir.resolve("train-images-idx3-ubyte.gz"),
				dir.resolve("train-labels-idx1-ubyte.gz"));
		ImageSet test = IdxFiles.read(dir.resolve("t10k-images-idx3-ubyte.gz"),
				dir.resolve("t10k-labels-idx1-ubyte.gz"));

		assertThat(train.count()).isEqualTo(TestDatasets.IDX_TRAIN);
		assertThat(test.count()).isEqualTo(TestDatasets.IDX_TEST);
		assertThat(train.channels()).isEqualTo(1);
		assertThat(train.height()).isEqualTo(28);
		assertThat(train.width()).isEqualTo(28);
		// the well-known first labels of MNIST: train starts 5 0 4 1 9, test starts 7 2 1
		// 0 4
		assertThat(Arrays.copyOf(train.labels(), 5)).containsExactly(5, 0, 4, 1, 9);
		assertThat(Arrays.copyOf(test.labels(), 5)).containsExactly(7, 2, 1, 0, 4);
	}

	@Test
	void readsTheWholeOfMnistWithItsWellKnownMeanAndDeviation() throws Exception {
		Path dir = TestDatasets.full("mnist").resolve("mnist");
		ImageSet train = IdxFiles.read(IdxFiles.find(dir, "train-images-idx3-ubyte").orElseThrow(),
				IdxFiles.find(dir, "train-labels-idx1-ubyte").orElseThrow());
		ImageSet test = IdxFiles.read(IdxFiles.find(dir, "t10k-images-idx3-ubyte").orElseThrow(),
				IdxFiles.find(dir, "t10k-labels-idx1-ubyte").orElseThrow());

		assertThat(train.count()).isEqualTo(60_000);
		assertThat(test.count()).isEqualTo(10_000);
		// the normalisation every MNIST tutorial uses
		assertThat(train.channelMoments().mean()[0]).isCloseTo(0.1307f, org.assertj.core.data.Offset.offset(1e-4f));
		assertThat(train.channelMoments().std()[0]).isCloseTo(0.3081f, org.assertj.core.data.Offset.offset(1e-4f));
	}

	@Test
	void readsUncompressedCopiesToTheSameBytes(@TempDir Path tmp) throws Exception {
		Path dir = TestDatasets.mnist();
		for (String name : new String[] { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" }) {
			try (InputStream in = IdxFiles.open(dir.resolve(name + ".gz"))) {
				Files.copy(in, tmp.resolve(name));
			}
		}
		ImageSet plain = IdxFiles.read(tmp.resolve("t10k-images-idx3-ubyte"), tmp.resolve("t10k-labels-idx1-ubyte"));
		ImageSet gz = IdxFiles.read(dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"));

		assertThat(plain.pixels()).isEqualTo(gz.pixels());
		assertThat(plain.labels()).isEqualTo(gz.labels());
	}

	@Test
	void rejectsATruncatedImagesFile(@TempDir Path tmp) throws Exception {
		Path dir = TestDatasets.mnist();
		byte[] full;
		try (InputStream in = IdxFiles.open(dir.resolve("t10k-images-idx3-ubyte.gz"))) {
			full = in.readAllBytes();
		}
		Files.write(tmp.resolve("images"), Arrays.copyOf(full, full.length / 2));

		assertThatThrownBy(() -> IdxFiles.read(tmp.resolve("images"), dir.resolve("t10k-labels-idx1-ubyte.gz")))
			.isInstanceOf(DatasetFormatException.class)
			.hasMessageContaining("truncated");
	}

	@Test
	void rejectsLabelsThatDoNotMatchTheImages() {
		Path dir = TestDatasets.mnist();
		assertThatThrownBy(() -> IdxFiles.read(dir.resolve("t10k-images-idx3-ubyte.gz"),
				dir.resolve("train-labels-idx1-ubyte.gz")))
			.isInstanceOf(DatasetFormatException.class)
			.hasMessageContaining(TestDatasets.IDX_TRAIN + " labels");
	}

	@Test
	void rejectsAFileThatIsNotIdx() {
		Path dir = TestDatasets.mnist();
		assertThatThrownBy(
				() -> IdxFiles.read(dir.resolve("t10k-labels-idx1-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz")))
			.isInstanceOf(DatasetFormatException.class)
			.hasMessageContaining("not an idx images file");
	}

}
