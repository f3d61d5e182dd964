package io.cnnservice;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the real datasets are for tests: {@code ../shared/datasets} unless overridden.
 */
public final class TestDatasets {

	private TestDatasets() {
	}

	public static Path root() {
		String configured = System.getenv("CNN_TEST_DATASETS");
		if (configured == null || configured.isBlank()) {
			configured = System.getProperty("cnn.test.datasets");
		}
		Path root = Path.of((configured != null) ? configured : "../shared/datasets").toAbsolutePath().normalize();
		if (!Files.isDirectory(root.resolve("mnist"))) {
			throw new IllegalStateException("The real datasets are missing at " + root
					+ "; set -Dcnn.test.datasets (or CNN_TEST_DATASETS) to the folder holding mnist/ and cifar10/");
		}
		return root;
	}

	public static Path mnist() {
		return root().resolve("mnist");
	}

	public static Path cifarArchive() {
		return root().resolve("cifar10").resolve("cifar10-jpg.tar.gz");
	}

}
