package io.cnnservice.datasets.formats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads CIFAR-10's official binary batches: one label byte and 3072 pixel bytes (red,
 * green, then blue plane of 32x32) per record.
 */
public final class CifarBinaryFiles {

	public static final int SIZE = 32;

	public static final int RECORD = 1 + 3 * SIZE * SIZE;

	public static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
			"horse", "ship", "truck");

	public static final List<String> TRAIN_FILES = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
			"data_batch_4.bin", "data_batch_5.bin");

	public static final String TEST_FILE = "test_batch.bin";

	/** The folder the official archive unpacks to. */
	public static final String FOLDER = "cifar-10-batches-bin";

	public static final String META_FILE = "batches.meta.txt";

	/** Every batch: the training ones, then the test one. */
	public static final List<String> BATCH_FILES = Stream.concat(TRAIN_FILES.stream(), Stream.of(TEST_FILE)).toList();

	/** What the service takes from the official archive. */
	public static final Set<String> ARCHIVE_MEMBERS = Stream.concat(BATCH_FILES.stream(), Stream.of(META_FILE))
		.collect(java.util.stream.Collectors.toUnmodifiableSet());

	private CifarBinaryFiles() {
	}

	/** The folder holding the batches: the dataset folder or its cifar-10-batches-bin. */
	public static Optional<Path> locate(Path datasetDir) {
		for (Path dir : List.of(datasetDir, datasetDir.resolve(FOLDER))) {
			if (Files.isRegularFile(dir.resolve(TEST_FILE))
					&& TRAIN_FILES.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)))) {
				return Optional.of(dir);
			}
		}
		return Optional.empty();
	}

	/** Class names from batches.meta.txt when present, else CIFAR-10's. */
	public static List<String> classes(Path batchesDir) throws IOException {
		Path meta = batchesDir.resolve(META_FILE);
		if (Files.isRegularFile(meta)) {
			List<String> names = Files.readAllLines(meta, StandardCharsets.UTF_8)
				.stream()
				.map(String::trim)
				.filter(s -> !s.isEmpty())
				.toList();
			if (!names.isEmpty()) {
				return names;
			}
		}
		return CLASSES;
	}

	public static int count(Path file) throws IOException {
		long size = Files.size(file);
		if (size == 0 || size % RECORD != 0) {
			throw new DatasetFormatException(
					file + " is not a CIFAR-10 binary batch: " + size + " bytes is not a multiple of " + RECORD);
		}
		return (int) (size / RECORD);
	}

	public static ImageSet read(List<Path> files, int classCount) throws IOException {
		int total = 0;
		for (Path f : files) {
			total += count(f);
		}
		int imageSize = RECORD - 1;
		byte[] pixels = new byte[total * imageSize];
		int[] labels = new int[total];
		int i = 0;
		byte[] record = new byte[RECORD];
		for (Path f : files) {
			try (InputStream in = IdxFiles.open(f)) {
				List<Integer> bad = new ArrayList<>();
				while (in.readNBytes(record, 0, RECORD) == RECORD) {
					int label = record[0] & 0xFF;
					if (label >= classCount) {
						bad.add(label);
					}
					labels[i] = label;
					System.arraycopy(record, 1, pixels, i * imageSize, imageSize);
					i++;
				}
				if (!bad.isEmpty()) {
					throw new DatasetFormatException(
							f + " has labels outside 0.." + (classCount - 1) + ": " + bad.get(0));
				}
			}
		}
		return new ImageSet(pixels, labels, total, 3, SIZE, SIZE);
	}

}
