package io.cnnservice.training.durable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ai.djl.nn.Block;
import io.cnnservice.models.ModelStoreProperties;
import io.cnnservice.training.api.EpochResult;
import io.cnnservice.training.loop.SavedState;
import io.cnnservice.training.optim.JobOptimizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;
import org.springframework.util.FileSystemUtils;

/**
 * A job's checkpoints, under {@code <model-store>/.jobs/<id>/}. Each is written to a
 * hidden file, forced to disk and renamed into place, and ends with the SHA-256 of what
 * comes before it, checked when it is read. The newest two are kept: a corrupt newest one
 * falls back to the one before.
 */
@Component
public class CheckpointStore {

	private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);

	private static final byte[] MAGIC = "CNNCKPT1".getBytes(StandardCharsets.US_ASCII);

	private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{6})\\.ckpt");

	private static final int DIGEST_BYTES = 32;

	private static final TypeReference<List<EpochResult>> HISTORY = new TypeReference<>() {
	};

	private final Path jobs;

	private final JsonMapper json;

	public CheckpointStore(ModelStoreProperties properties, JsonMapper json) {
		this.jobs = properties.root().resolve(".jobs");
		this.json = json;
	}

	/**
	 * A checkpoint as read back: the loop's state, and the parameters and optimizer state
	 * as {@link Block#saveParameters} and {@link JobOptimizer#save} wrote them.
	 *
	 * @param state where the loop was
	 * @param parameters the block's parameters
	 * @param optimizer the optimizer's state
	 * @param file where it was read from
	 */
	public record Checkpoint(SavedState state, byte[] parameters, byte[] optimizer, Path file) {

		public DataInputStream parameterStream() {
			return new DataInputStream(new ByteArrayInputStream(this.parameters));
		}

		public DataInputStream optimizerStream() {
			return new DataInputStream(new ByteArrayInputStream(this.optimizer));
		}

	}

	/**
	 * What writing one checkpoint took.
	 *
	 * @param file where it is
	 * @param bytes its size
	 * @param seconds how long writing it took
	 */
	public record Written(Path file, long bytes, double seconds) {
	}

	Path dir(String jobId) {
		return this.jobs.resolve(jobId);
	}

	/**
	 * Writes a checkpoint after the newest one and removes all but the newest two.
	 * @param names parameter names by id, for the optimizer's state
	 */
	public Written write(String jobId, SavedState state, Block block, JobOptimizer optimizer, Map<String, String> names)
			throws IOException {
		long start = System.nanoTime();
		Path dir = Files.createDirectories(dir(jobId));
		List<Path> existing = files(jobId);
		int sequence = existing.isEmpty() ? 1 : sequence(existing.get(0)) + 1;
		Path target = dir.resolve(String.format("checkpoint-%06d.ckpt", sequence));
		Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
		try {
			MessageDigest digest = sha256();
			try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE,
					StandardOpenOption.TRUNCATE_EXISTING)) {
				OutputStream file = java.nio.channels.Channels.newOutputStream(channel);
				DataOutputStream out = new DataOutputStream(
						new java.io.BufferedOutputStream(new java.security.DigestOutputStream(file, digest), 1 << 16));
				writeBody(out, jobId, state, block, optimizer, names);
				out.flush();
				channel.write(ByteBuffer.wrap(digest.digest()));
				channel.force(true);
			}
			Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
		}
		finally {
			Files.deleteIfExists(tmp);
		}
		syncDirectory(dir);
		for (Path old : files(jobId).stream().skip(2).toList()) {
			Files.deleteIfExists(old);
		}
		return new Written(target, Files.size(target), (System.nanoTime() - start) / 1e9);
	}

	private void writeBody(DataOutputStream out, String jobId, SavedState state, Block block, JobOptimizer optimizer,
			Map<String, String> names) throws IOException {
		out.write(MAGIC);
		out.writeUTF(jobId);
		out.writeInt(state.place().epoch());
		out.writeInt(state.place().batch());
		out.writeInt(state.totals().seen());
		out.writeDouble(state.totals().lossSum());
		out.writeLong(state.totals().correct());
		out.writeLong(state.timing().epochNanos());
		out.writeLong(state.timing().trainingNanos());
		out.writeLong(state.random().shuffle());
		out.writeLong(state.random().augment());
		out.writeBoolean(state.order().drawn());
		out.writeInt(state.order().indices().length);
		for (int i : state.order().indices()) {
			out.writeInt(i);
		}
		out.writeInt(state.timing().batchNanos().length);
		for (long n : state.timing().batchNanos()) {
			out.writeLong(n);
		}
		writeSection(out, this.json.writeValueAsBytes(state.history()));
		ByteArrayOutputStream parameters = new ByteArrayOutputStream();
		block.saveParameters(new DataOutputStream(parameters));
		writeSection(out, parameters.toByteArray());
		ByteArrayOutputStream optimizerState = new ByteArrayOutputStream();
		optimizer.save(new DataOutputStream(optimizerState), names);
		writeSection(out, optimizerState.toByteArray());
	}

	private static void writeSection(DataOutputStream out, byte[] bytes) throws IOException {
		out.writeInt(bytes.length);
		out.write(bytes);
	}

	/**
	 * The newest checkpoint that reads back whole; a newer one that does not is logged
	 * and passed over.
	 */
	public Optional<Checkpoint> latest(String jobId) {
		List<Path> files;
		try {
			files = files(jobId);
		}
		catch (IOException ex) {
			log.warn("Cannot list the checkpoints of job {}: {}", jobId, ex.getMessage());
			return Optional.empty();
		}
		for (int i = 0; i < files.size(); i++) {
			try {
				return Optional.of(read(jobId, files.get(i)));
			}
			catch (IOException | RuntimeException ex) {
				String next = (i + 1 < files.size()) ? "falling back to " + files.get(i + 1).getFileName()
						: "no older checkpoint is left";
				log.warn("Checkpoint {} of job {} is unusable ({}); {}", files.get(i).getFileName(), jobId,
						ex.getMessage(), next);
			}
		}
		return Optional.empty();
	}

	private Checkpoint read(String jobId, Path file) throws IOException {
		byte[] bytes = Files.readAllBytes(file);
		if (bytes.length < MAGIC.length + DIGEST_BYTES) {
			throw new IOException("it is " + bytes.length + " bytes long");
		}
		MessageDigest digest = sha256();
		digest.update(bytes, 0, bytes.length - DIGEST_BYTES);
		if (!Arrays.equals(digest.digest(), Arrays.copyOfRange(bytes, bytes.length - DIGEST_BYTES, bytes.length))) {
			throw new IOException("its SHA-256 does not match its content");
		}
		DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - DIGEST_BYTES));
		byte[] magic = new byte[MAGIC.length];
		in.readFully(magic);
		if (!Arrays.equals(magic, MAGIC)) {
			throw new IOException("it is not a checkpoint of this version");
		}
		String owner = in.readUTF();
		if (!owner.equals(jobId)) {
			throw new IOException("it belongs to job " + owner);
		}
		int epoch = in.readInt();
		int batch = in.readInt();
		int seen = in.readInt();
		double lossSum = in.readDouble();
		long correct = in.readLong();
		long epochNanos = in.readLong();
		long trainingNanos = in.readLong();
		long shuffleState = in.readLong();
		long augmentState = in.readLong();
		boolean orderDrawn = in.readBoolean();
		int[] order = new int[in.readInt()];
		for (int i = 0; i < order.length; i++) {
			order[i] = in.readInt();
		}
		long[] batchNanos = new long[in.readInt()];
		for (int i = 0; i < batchNanos.length; i++) {
			batchNanos[i] = in.readLong();
		}
		List<EpochResult> history = this.json.readValue(readSection(in), HISTORY);
		byte[] parameters = readSection(in);
		byte[] optimizer = readSection(in);
		SavedState state = new SavedState(new SavedState.Place(epoch, batch), new SavedState.Order(order, orderDrawn),
				new SavedState.Random(shuffleState, augmentState), new SavedState.Totals(seen, lossSum, correct),
				new SavedState.Timing(epochNanos, trainingNanos, batchNanos), history);
		return new Checkpoint(state, parameters, optimizer, file);
	}

	private static byte[] readSection(DataInputStream in) throws IOException {
		byte[] bytes = new byte[in.readInt()];
		in.readFully(bytes);
		return bytes;
	}

	/** Whether the job has a checkpoint file at all. */
	public boolean exists(String jobId) {
		try {
			return !files(jobId).isEmpty();
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Removes every checkpoint of the job. */
	public void delete(String jobId) {
		try {
			FileSystemUtils.deleteRecursively(dir(jobId));
		}
		catch (IOException ex) {
			log.warn("Could not delete the checkpoints of job {}: {}", jobId, ex.getMessage());
		}
	}

	/** The job's checkpoint files, newest first. */
	public List<Path> files(String jobId) throws IOException {
		Path dir = dir(jobId);
		if (!Files.isDirectory(dir)) {
			return List.of();
		}
		try (Stream<Path> entries = Files.list(dir)) {
			return entries.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
				.sorted(Comparator.comparingInt(CheckpointStore::sequence).reversed())
				.toList();
		}
	}

	private static int sequence(Path file) {
		Matcher m = NAME.matcher(file.getFileName().toString());
		return m.matches() ? Integer.parseInt(m.group(1)) : -1;
	}

	/** Makes the rename durable too, where the file system allows opening a folder. */
	private static void syncDirectory(Path dir) {
		try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// not every file system lets a folder be opened; the rename is atomic anyway
		}
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
