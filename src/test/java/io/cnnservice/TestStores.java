package io.cnnservice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.util.FileSystemUtils;

/**
 * Model stores for tests that start the service; {@link TestStore} makes and deletes
 * them.
 */
public final class TestStores {

	private TestStores() {
	}

	/** A new, empty temporary folder for a test's model store. */
	public static Path empty(String prefix) {
		try {
			return Files.createTempDirectory(prefix);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Deletes a test's store, trying again while a job that was just cancelled may still
	 * be writing its last files into it.
	 */
	public static void delete(Path store) throws InterruptedException {
		for (int attempt = 1;; attempt++) {
			try {
				FileSystemUtils.deleteRecursively(store);
				return;
			}
			catch (IOException ex) {
				if (attempt == 10) {
					throw new UncheckedIOException(ex);
				}
				Thread.sleep(500);
			}
		}
	}

	/**
	 * A new temporary folder holding a copy of the shipped {@code model-store}, so a test
	 * may register, delete and recover jobs without touching the repository's copy.
	 */
	public static Path copyOfShipped(String prefix) {
		try {
			Path store = Files.createTempDirectory(prefix);
			FileSystemUtils.copyRecursively(Path.of("model-store"), store);
			return store;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
