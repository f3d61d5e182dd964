package io.cnnservice.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;

/**
 * Versioned models on disk: {@code <root>/<name>/<version>/} holding the DJL parameters
 * and {@code model.json}. A version is assembled in a hidden temporary folder and renamed
 * into place in one step, so readers never see a half-written model.
 */
@Service
public class ModelStore {

	private static final Logger log = LoggerFactory.getLogger(ModelStore.class);

	/** Model names: safe as folder names and in URLs. */
	public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

	static final String METADATA = "model.json";

	private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");

	private final Path root;

	private final JsonMapper json;

	private final Map<Path, CachedMetadata> metadataCache = new ConcurrentHashMap<>();

	/** Writes a model's parameter file into a folder and returns the file's name. */
	@FunctionalInterface
	public interface ParameterWriter {

		String write(Path dir) throws IOException;

	}

	public ModelStore(ModelStoreProperties properties, JsonMapper json) {
		this.root = properties.root();
		this.json = json;
	}

	public Path root() {
		return this.root;
	}

	/** Whether the store's root can be written (created when missing). */
	public boolean isWritable() {
		try {
			Files.createDirectories(this.root);
			return Files.isWritable(this.root);
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Registers a new version: parameters and metadata are written to a temporary folder,
	 * hashed, and moved into place atomically under the next free version number.
	 */
	public ModelMetadata register(ModelMetadata draft, ParameterWriter writer) throws IOException {
		if (!NAME.matcher(draft.name()).matches()) {
			throw new IllegalArgumentException("invalid model name " + draft.name());
		}
		Path modelDir = this.root.resolve(draft.name());
		Files.createDirectories(modelDir);
		Path tmp = modelDir.resolve(".tmp-" + UUID.randomUUID());
		Files.createDirectory(tmp);
		try {
			String file = writer.write(tmp);
			ModelMetadata withParams = draft.withParameters(file, sha256(tmp.resolve(file)));
			// another writer (thread or replica on a shared volume) may take a number
			// first:
			// the rename fails and we try the next one
			for (int attempt = 0; attempt < 100; attempt++) {
				int version = nextVersion(draft.name());
				ModelMetadata metadata = withParams.withVersion(version);
				Path metaTmp = tmp.resolve(METADATA + ".tmp");
				Files.write(metaTmp, this.json.writerWithDefaultPrettyPrinter().writeValueAsBytes(metadata));
				Files.move(metaTmp, tmp.resolve(METADATA), StandardCopyOption.REPLACE_EXISTING,
						StandardCopyOption.ATOMIC_MOVE);
				Path target = modelDir.resolve(Integer.toString(version));
				try {
					Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
					log.info("Registered model {} version {}", metadata.name(), version);
					return metadata;
				}
				catch (FileSystemException ex) {
					// rename(2) onto a taken version fails with "Directory not empty":
					// next number
					if (!Files.exists(target)) {
						throw ex;
					}
				}
			}
			throw new IOException("could not allocate a version for " + draft.name());
		}
		finally {
			deleteRecursively(tmp);
		}
	}

	/** Every model, sorted by name. */
	public List<ModelSummary> list() {
		if (!Files.isDirectory(this.root)) {
			return List.of();
		}
		try (Stream<Path> dirs = Files.list(this.root)) {
			return dirs.filter(Files::isDirectory)
				.map(p -> p.getFileName().toString())
				.filter(n -> NAME.matcher(n).matches())
				.sorted()
				.map(this::summaryOrNull)
				.filter(s -> s != null)
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private ModelSummary summaryOrNull(String name) {
		List<ModelMetadata> versions = versions(name);
		return versions.isEmpty() ? null
				: new ModelSummary(name, versions.get(versions.size() - 1).version(), versions);
	}

	/** A model with all its versions. */
	public ModelSummary get(String name) {
		ModelSummary summary = NAME.matcher(name).matches() ? summaryOrNull(name) : null;
		if (summary == null) {
			throw ModelNotFoundException.forName(name);
		}
		return summary;
	}

	/** One version's metadata. */
	public ModelMetadata get(String name, int version) {
		Path meta = versionDir(name, version).resolve(METADATA);
		BasicFileAttributes attributes;
		try {
			attributes = Files.readAttributes(meta, BasicFileAttributes.class);
		}
		catch (IOException ex) {
			throw ModelNotFoundException.forVersion(name, version);
		}
		if (!attributes.isRegularFile()) {
			throw ModelNotFoundException.forVersion(name, version);
		}
		// serving resolves a version on every request: parse model.json only when it
		// changed
		long stamp = attributes.lastModifiedTime().toMillis() * 31 + attributes.size();
		CachedMetadata cached = this.metadataCache.get(meta);
		if (cached != null && cached.stamp() == stamp) {
			return cached.metadata();
		}
		ModelMetadata metadata = read(meta);
		this.metadataCache.put(meta, new CachedMetadata(stamp, metadata));
		return metadata;
	}

	private record CachedMetadata(long stamp, ModelMetadata metadata) {
	}

	/** The newest version's metadata, reading only that version's model.json. */
	public ModelMetadata latest(String name) {
		if (!NAME.matcher(name).matches() || !Files.isDirectory(this.root.resolve(name))) {
			throw ModelNotFoundException.forName(name);
		}
		try (Stream<Path> dirs = Files.list(this.root.resolve(name))) {
			List<Integer> versions = dirs.filter(p -> Files.isRegularFile(p.resolve(METADATA)))
				.map(p -> p.getFileName().toString())
				.filter(v -> VERSION.matcher(v).matches())
				.map(Integer::valueOf)
				.sorted(Comparator.reverseOrder())
				.toList();
			for (int version : versions) {
				try {
					return get(name, version);
				}
				catch (ModelNotFoundException | UncheckedIOException ex) {
					// deleted or unreadable meanwhile: take the next one
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		throw ModelNotFoundException.forName(name);
	}

	/** The folder of one version (which may not exist). */
	public Path versionDir(String name, int version) {
		if (!NAME.matcher(name).matches()) {
			throw ModelNotFoundException.forName(name);
		}
		return this.root.resolve(name).resolve(Integer.toString(version));
	}

	/**
	 * Deletes one version. It is first renamed out of sight, so a reader sees it either
	 * whole or not at all; the model folder goes when its last version does.
	 */
	public void delete(String name, int version) throws IOException {
		Path dir = versionDir(name, version);
		if (!Files.isRegularFile(dir.resolve(METADATA))) {
			throw ModelNotFoundException.forVersion(name, version);
		}
		Path trash = dir.resolveSibling(".deleted-" + version + "-" + UUID.randomUUID());
		try {
			Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (java.nio.file.NoSuchFileException ex) {
			throw ModelNotFoundException.forVersion(name, version);
		}
		deleteRecursively(trash);
		this.metadataCache.remove(dir.resolve(METADATA));
		if (versions(name).isEmpty()) {
			try (Stream<Path> rest = Files.list(dir.getParent())) {
				if (rest.findAny().isEmpty()) {
					Files.deleteIfExists(dir.getParent());
				}
			}
			catch (DirectoryNotEmptyException ex) {
				// a new version arrived meanwhile
			}
		}
		log.info("Deleted model {} version {}", name, version);
	}

	private List<ModelMetadata> versions(String name) {
		Path modelDir = this.root.resolve(name);
		if (!Files.isDirectory(modelDir)) {
			return List.of();
		}
		List<ModelMetadata> result = new ArrayList<>();
		try (Stream<Path> dirs = Files.list(modelDir)) {
			for (Path dir : dirs.toList()) {
				String v = dir.getFileName().toString();
				Path meta = dir.resolve(METADATA);
				if (VERSION.matcher(v).matches() && Files.isRegularFile(meta)) {
					try {
						result.add(read(meta));
					}
					catch (UncheckedIOException | JacksonException ex) {
						log.warn("Skipping unreadable {}: {}", meta, ex.getMessage());
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		result.sort(Comparator.comparingInt(ModelMetadata::version));
		return result;
	}

	private int nextVersion(String name) {
		Path modelDir = this.root.resolve(name);
		try (Stream<Path> dirs = Files.list(modelDir)) {
			return dirs.map(p -> p.getFileName().toString())
				.filter(v -> VERSION.matcher(v).matches())
				.mapToInt(Integer::parseInt)
				.max()
				.orElse(0) + 1;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private ModelMetadata read(Path meta) {
		try {
			return this.json.readValue(Files.readAllBytes(meta), ModelMetadata.class);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static String sha256(Path file) throws IOException {
		try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file),
				MessageDigest.getInstance("SHA-256"))) {
			in.transferTo(java.io.OutputStream.nullOutputStream());
			return HexFormat.of().formatHex(in.getMessageDigest().digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static void deleteRecursively(Path dir) throws IOException {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(p);
			}
		}
	}

}
