package io.cnnservice.datasets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.cnnservice.datasets.formats.ImageSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decoded image folders kept on disk as raw pixels, so that a worker process reads
 * CIFAR-10's JPEGs in well under a second instead of decoding them again on every start.
 * A file is named by a digest of the source files' names, sizes and modification times,
 * so any change to the source makes a new one; it is written to a temporary file and
 * renamed, so a reader never sees half of one. Where the datasets folder is read-only
 * nothing is cached.
 */
final class DecodedCache {

	private static final Logger log = LoggerFactory.getLogger(DecodedCache.class);

	private static final byte[] MAGIC = "CNNDSET1".getBytes(StandardCharsets.US_ASCII);

	private static final int SLICE = 1 << 20;

	private final Path dir;

	/**
	 * @param dir where cached sets live: a dot-folder, which is never taken for a dataset
	 */
	DecodedCache(Path dir) {
		this.dir = dir;
	}

	/** The file for the dataset's current source files. */
	Path file(String name, Path source) throws IOException {
		MessageDigest digest;
		try {
			digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
		try (Stream<Path> files = Files.walk(source)) {
			for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
				digest.update((source.relativize(f) + "\n" + Files.size(f) + "\n"
						+ Files.getLastModifiedTime(f).toMillis() + "\n")
					.getBytes(StandardCharsets.UTF_8));
			}
		}
		return this.dir.resolve(name + "-" + HexFormat.of().formatHex(digest.digest(), 0, 8) + ".bin");
	}

	/** The cached decode, if there is a complete one. */
	Optional<LoadedDataset> read(Path file, String name) {
		if (!Files.isRegularFile(file)) {
			return Optional.empty();
		}
		try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
			ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 4).order(ByteOrder.LITTLE_ENDIAN);
			readFully(in, head);
			head.flip();
			byte[] magic = new byte[MAGIC.length];
			head.get(magic);
			if (!java.util.Arrays.equals(magic, MAGIC)) {
				return Optional.empty();
			}
			int classCount = head.getInt();
			List<String> classes = new java.util.ArrayList<>();
			for (int i = 0; i < classCount; i++) {
				ByteBuffer len = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
				readFully(in, len);
				ByteBuffer text = ByteBuffer.allocate(len.flip().getInt());
				readFully(in, text);
				classes.add(new String(text.array(), StandardCharsets.UTF_8));
			}
			ImageSet train = readSet(in);
			ImageSet test = readSet(in);
			ByteBuffer moments = ByteBuffer.allocate(8 * train.channels()).order(ByteOrder.LITTLE_ENDIAN);
			readFully(in, moments);
			moments.flip();
			float[] mean = new float[train.channels()];
			float[] std = new float[train.channels()];
			for (int c = 0; c < mean.length; c++) {
				mean[c] = moments.getFloat();
			}
			for (int c = 0; c < std.length; c++) {
				std[c] = moments.getFloat();
			}
			return Optional.of(new LoadedDataset(name, classes, train, test, mean, std));
		}
		catch (IOException | RuntimeException ex) {
			log.warn("Ignoring the unreadable decoded copy {}: {}", file, ex.getMessage());
			return Optional.empty();
		}
	}

	/** Writes the decode for the next process; a failure only costs that process time. */
	void write(Path file, LoadedDataset data) {
		try {
			Files.createDirectories(this.dir);
			Path tmp = Files.createTempFile(this.dir, ".write-", ".tmp");
			try {
				try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
					ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 4).order(ByteOrder.LITTLE_ENDIAN);
					head.put(MAGIC).putInt(data.classes().size());
					writeFully(out, head.flip());
					for (String c : data.classes()) {
						byte[] text = c.getBytes(StandardCharsets.UTF_8);
						writeFully(out,
								ByteBuffer.allocate(4 + text.length)
									.order(ByteOrder.LITTLE_ENDIAN)
									.putInt(text.length)
									.put(text)
									.flip());
					}
					writeSet(out, data.train());
					writeSet(out, data.test());
					ByteBuffer moments = ByteBuffer.allocate(8 * data.channels()).order(ByteOrder.LITTLE_ENDIAN);
					for (float m : data.mean()) {
						moments.putFloat(m);
					}
					for (float s : data.std()) {
						moments.putFloat(s);
					}
					writeFully(out, moments.flip());
					out.force(true);
				}
				Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
				log.info("Kept the decoded {} in {} for the next process", data.name(), file);
			}
			finally {
				Files.deleteIfExists(tmp);
			}
		}
		catch (IOException ex) {
			log.info("Cannot keep the decoded {} under {} ({}); each process decodes it again", data.name(), this.dir,
					ex.getMessage());
		}
	}

	private static ImageSet readSet(FileChannel in) throws IOException {
		ByteBuffer dims = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
		readFully(in, dims);
		dims.flip();
		int count = dims.getInt();
		int channels = dims.getInt();
		int height = dims.getInt();
		int width = dims.getInt();
		byte[] pixels = new byte[Math.multiplyExact(Math.multiplyExact(count, channels), height * width)];
		readFully(in, ByteBuffer.wrap(pixels));
		ByteBuffer labels = ByteBuffer.allocate(Math.multiplyExact(count, 4)).order(ByteOrder.LITTLE_ENDIAN);
		readFully(in, labels);
		int[] l = new int[count];
		labels.flip().asIntBuffer().get(l);
		return new ImageSet(pixels, l, count, channels, height, width);
	}

	private static void writeSet(FileChannel out, ImageSet set) throws IOException {
		writeFully(out,
				ByteBuffer.allocate(16)
					.order(ByteOrder.LITTLE_ENDIAN)
					.putInt(set.count())
					.putInt(set.channels())
					.putInt(set.height())
					.putInt(set.width())
					.flip());
		writeFully(out, ByteBuffer.wrap(set.pixels()));
		ByteBuffer labels = ByteBuffer.allocate(set.count() * 4).order(ByteOrder.LITTLE_ENDIAN);
		labels.asIntBuffer().put(set.labels());
		writeFully(out, labels);
	}

	/**
	 * Reads in slices: the channel copies a heap buffer through a temporary direct one as
	 * large as the read, and allocating one of 150 MB takes longer than the read itself.
	 */
	private static void readFully(FileChannel in, ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			ByteBuffer slice = buffer.slice(buffer.position(), Math.min(buffer.remaining(), SLICE));
			int n = in.read(slice);
			if (n < 0) {
				throw new IOException("the file ends early");
			}
			buffer.position(buffer.position() + n);
		}
	}

	private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			out.write(buffer);
		}
	}

}
