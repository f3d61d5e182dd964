package io.cnnservice.datasets.formats;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Reads the idx format of MNIST and Fashion-MNIST: the four standard files, gzipped or
 * not.
 */
public final class IdxFiles {

	public static final int IMAGES_MAGIC = 0x00000803;

	public static final int LABELS_MAGIC = 0x00000801;

	/** The four standard file names, without the optional {@code .gz}. */
	public static final List<String> STANDARD_NAMES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
			"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

	private IdxFiles() {
	}

	/** The file for a standard name in a folder, gzipped or plain, if present. */
	public static Optional<Path> find(Path dir, String name) {
		for (String candidate : List.of(name + ".gz", name, name.replace("-idx", ".idx") + ".gz",
				name.replace("-idx", ".idx"))) {
			Path p = dir.resolve(candidate);
			if (Files.isRegularFile(p)) {
				return Optional.of(p);
			}
		}
		return Optional.empty();
	}

	/** Whether a folder holds all four standard files. */
	public static boolean isComplete(Path dir) {
		return STANDARD_NAMES.stream().allMatch(n -> find(dir, n).isPresent());
	}

	/** Opens a file, transparently un-gzipping it when it starts with the gzip magic. */
	public static InputStream open(Path file) throws IOException {
		InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
		in.mark(2);
		int b1 = in.read();
		int b2 = in.read();
		in.reset();
		if (b1 == 0x1f && b2 == 0x8b) {
			return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
		}
		return in;
	}

	/** Reads the image count from an idx images file's header. */
	public static int countImages(Path imagesFile) throws IOException {
		try (DataInputStream in = new DataInputStream(open(imagesFile))) {
			int magic = in.readInt();
			if (magic != IMAGES_MAGIC) {
				throw new DatasetFormatException(imagesFile + " is not an idx images file (magic " + magic + ")");
			}
			return in.readInt();
		}
	}

	/** Reads one split: an images file and its labels file. */
	public static ImageSet read(Path imagesFile, Path labelsFile) throws IOException {
		int count;
		int rows;
		int cols;
		byte[] pixels;
		try (DataInputStream in = new DataInputStream(open(imagesFile))) {
			int magic = in.readInt();
			if (magic != IMAGES_MAGIC) {
				throw new DatasetFormatException(imagesFile + " is not an idx images file (magic " + magic + ")");
			}
			count = in.readInt();
			rows = in.readInt();
			cols = in.readInt();
			if (count <= 0 || rows <= 0 || cols <= 0 || (long) count * rows * cols > Integer.MAX_VALUE) {
				throw new DatasetFormatException(
						imagesFile + " has an impossible header: " + count + " images of " + rows + "x" + cols);
			}
			pixels = new byte[count * rows * cols];
			readFully(in, pixels, imagesFile);
		}
		int[] labels = new int[count];
		try (DataInputStream in = new DataInputStream(open(labelsFile))) {
			int magic = in.readInt();
			if (magic != LABELS_MAGIC) {
				throw new DatasetFormatException(labelsFile + " is not an idx labels file (magic " + magic + ")");
			}
			int n = in.readInt();
			if (n != count) {
				throw new DatasetFormatException(
						labelsFile + " holds " + n + " labels but " + imagesFile + " holds " + count + " images");
			}
			byte[] raw = new byte[n];
			readFully(in, raw, labelsFile);
			for (int i = 0; i < n; i++) {
				labels[i] = raw[i] & 0xFF;
			}
		}
		return new ImageSet(pixels, labels, count, 1, rows, cols);
	}

	private static void readFully(DataInputStream in, byte[] into, Path file) throws IOException {
		try {
			in.readFully(into);
		}
		catch (java.io.EOFException ex) {
			throw new DatasetFormatException(file + " is truncated");
		}
	}

}
