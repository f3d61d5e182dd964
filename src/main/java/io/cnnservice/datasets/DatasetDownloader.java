package io.cnnservice.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.cnnservice.datasets.formats.CifarBinaryFiles;
import io.cnnservice.datasets.formats.DatasetFormatException;
import io.cnnservice.datasets.formats.IdxFiles;
import io.cnnservice.datasets.formats.TarReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.util.FileSystemUtils;

/**
 * Fetches a missing standard dataset from its mirrors. Every file is written under a
 * hidden temporary name, checked against its published checksum and only then moved into
 * place, so a failed, cut or corrupt download leaves nothing a reader would take for
 * data.
 */
@Component
public class DatasetDownloader {

	private static final Logger log = LoggerFactory.getLogger(DatasetDownloader.class);

	/** Hidden names of files and folders being written. */
	static final String TEMP_PREFIX = ".download-";

	private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

	private static final int MAX_REDIRECTS = 5;

	private final DatasetProperties properties;

	private final Map<String, DownloadSource> sources;

	@Autowired
	public DatasetDownloader(DatasetProperties properties) {
		this(properties, DownloadSource.STANDARD);
	}

	DatasetDownloader(DatasetProperties properties, Map<String, DownloadSource> sources) {
		this.properties = properties;
		this.sources = Map.copyOf(sources);
	}

	/** Whether this dataset can be fetched at all (download enabled, a source known). */
	public boolean canDownload(String dataset) {
		return this.properties.download() && this.sources.containsKey(dataset);
	}

	/** The source with the configured mirrors, if any are configured for it. */
	DownloadSource source(String dataset) {
		DownloadSource source = this.sources.get(dataset);
		if (source == null) {
			throw DatasetUnavailableException.because(dataset, "it is not one the service can download");
		}
		List<String> configured = this.properties.mirrors().get(dataset);
		return (configured != null && !configured.isEmpty()) ? source.withMirrors(configured) : source;
	}

	/**
	 * Downloads every missing file of the dataset into {@code dir}.
	 * @throws DatasetUnavailableException naming each mirror tried and why it failed
	 */
	public void download(String dataset, Path dir, DownloadProgress progress) {
		DownloadSource source = source(dataset);
		try {
			Files.createDirectories(dir);
			removeStaleTemporaries(dir);
		}
		catch (IOException ex) {
			throw DatasetUnavailableException.because(dataset, "cannot write to " + dir + ": " + ex.getMessage(), ex);
		}
		for (DownloadSource.RemoteFile file : source.files()) {
			if (!source.archive() && IdxFiles.find(dir, file.name().replace(".gz", "")).isPresent()) {
				progress.add(file.size());
				continue;
			}
			List<String> failures = new ArrayList<>();
			boolean done = false;
			for (String mirror : source.mirrors()) {
				String url = mirror.endsWith("/") ? mirror + file.name() : mirror + "/" + file.name();
				try {
					Path fetched = fetch(URI.create(url), dir, file, progress);
					try {
						install(source, file, fetched, dir);
					}
					finally {
						Files.deleteIfExists(fetched);
					}
					log.info("Downloaded {} of {} from {}", file.name(), dataset, url);
					done = true;
					break;
				}
				catch (IOException | IllegalArgumentException ex) {
					String reason = describe(ex);
					log.warn("Download of {} from {} failed: {}", file.name(), url, reason);
					failures.add(url + ": " + reason);
				}
			}
			if (!done) {
				throw DatasetUnavailableException.because(dataset,
						"could not download " + file.name() + " (" + String.join("; ", failures) + ")");
			}
		}
	}

	/** Fetches one file from one URL into a hidden file in {@code dir}, verified. */
	private Path fetch(URI uri, Path dir, DownloadSource.RemoteFile file, DownloadProgress progress)
			throws IOException {
		HttpURLConnection connection = open(uri);
		long announced = connection.getContentLengthLong();
		Path tmp = Files.createTempFile(dir, TEMP_PREFIX + file.name() + ".", ".part");
		long written = 0;
		boolean ok = false;
		try {
			progress.begin(uri.toString(), file.size(), announced);
			long timeoutMillis = this.properties.downloadTimeout().toMillis();
			Instant lastLog = Instant.now();
			try (InputStream in = connection.getInputStream(); OutputStream out = Files.newOutputStream(tmp)) {
				byte[] buffer = new byte[1 << 16];
				int n;
				while ((n = in.read(buffer)) >= 0) {
					out.write(buffer, 0, n);
					written += n;
					progress.add(n);
					if (Duration.between(lastLog, Instant.now()).compareTo(LOG_INTERVAL) >= 0) {
						lastLog = Instant.now();
						log.info("Downloading {} from {}: {} of {} MB", file.name(), uri, mb(written),
								(announced >= 0) ? mb(announced) : "?");
					}
					if (Thread.currentThread().isInterrupted()) {
						throw new IOException("download interrupted");
					}
				}
			}
			catch (SocketTimeoutException ex) {
				throw new IOException("no data for " + timeoutMillis / 1000 + " s after " + written + " bytes");
			}
			finally {
				connection.disconnect();
			}
			if (announced >= 0 && written != announced) {
				throw new IOException("cut off after " + written + " of " + announced + " bytes");
			}
			verify(tmp, file.checksum());
			ok = true;
			return tmp;
		}
		finally {
			if (!ok) {
				progress.undo(written, file.size(), announced);
				Files.deleteIfExists(tmp);
			}
		}
	}

	/** A connection that answered 200, after following up to five redirects. */
	private HttpURLConnection open(URI uri) throws IOException {
		URI current = uri;
		for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
			HttpURLConnection connection = (HttpURLConnection) current.toURL().openConnection();
			connection.setConnectTimeout((int) this.properties.downloadTimeout().toMillis());
			connection.setReadTimeout((int) this.properties.downloadTimeout().toMillis());
			// redirects are followed here so that one from http to https is too
			connection.setInstanceFollowRedirects(false);
			int status = connection.getResponseCode();
			if (status == 200) {
				return connection;
			}
			String location = connection.getHeaderField("Location");
			connection.disconnect();
			if (status / 100 != 3 || location == null) {
				throw new IOException("HTTP " + status);
			}
			URI next = current.resolve(location);
			if ("https".equals(current.getScheme()) && !"https".equals(next.getScheme())) {
				throw new IOException("redirected from https to " + next);
			}
			current = next;
		}
		throw new IOException("more than " + MAX_REDIRECTS + " redirects");
	}

	private static void verify(Path file, DownloadSource.Checksum checksum) throws IOException {
		MessageDigest sha256 = digest("SHA-256");
		MessageDigest md5 = digest("MD5");
		try (InputStream in = new DigestInputStream(
				new DigestInputStream(checksum.ofContent() ? IdxFiles.open(file) : Files.newInputStream(file), sha256),
				md5)) {
			in.transferTo(OutputStream.nullOutputStream());
		}
		catch (java.util.zip.ZipException | java.io.EOFException ex) {
			throw new IOException("not a valid gzip file (" + ex.getMessage() + "); the file was discarded");
		}
		String of = checksum.ofContent() ? " of the decompressed content" : "";
		String actual = HexFormat.of().formatHex(sha256.digest());
		if (!actual.equals(checksum.sha256())) {
			throw new IOException("checksum mismatch: expected SHA-256 " + checksum.sha256() + of + ", got " + actual
					+ "; the file was discarded");
		}
		String actualMd5 = HexFormat.of().formatHex(md5.digest());
		if (checksum.md5() != null && !actualMd5.equals(checksum.md5())) {
			throw new IOException("checksum mismatch: expected MD5 " + checksum.md5() + of + ", got " + actualMd5
					+ "; the file was discarded");
		}
	}

	/** Moves a verified file into place, or unpacks the CIFAR-10 archive. */
	private static void install(DownloadSource source, DownloadSource.RemoteFile file, Path fetched, Path dir)
			throws IOException {
		if (!source.archive()) {
			Files.move(fetched, dir.resolve(file.name()), StandardCopyOption.ATOMIC_MOVE);
			return;
		}
		Path target = dir.resolve(CifarBinaryFiles.FOLDER);
		if (Files.exists(target)) {
			throw new IOException(target + " exists but is incomplete; remove it and download again");
		}
		Path unpacked = Files.createTempDirectory(dir, TEMP_PREFIX + CifarBinaryFiles.FOLDER + ".");
		try {
			Set<String> wanted = CifarBinaryFiles.ARCHIVE_MEMBERS;
			try (InputStream in = IdxFiles.open(fetched)) {
				TarReader.forEachFile(in, (path, size, content) -> {
					String name = path.substring(path.lastIndexOf('/') + 1);
					// only the known members, by their bare names: nothing else is
					// written
					if (path.equals(CifarBinaryFiles.FOLDER + "/" + name) && wanted.contains(name)) {
						Files.copy(content, unpacked.resolve(name));
					}
				});
			}
			for (String batch : CifarBinaryFiles.BATCH_FILES) {
				if (!Files.isRegularFile(unpacked.resolve(batch))) {
					throw new DatasetFormatException("the archive has no " + CifarBinaryFiles.FOLDER + "/" + batch);
				}
				CifarBinaryFiles.count(unpacked.resolve(batch));
			}
			Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
		}
		finally {
			if (Files.exists(unpacked)) {
				FileSystemUtils.deleteRecursively(unpacked);
			}
		}
	}

	/**
	 * Removes what a download cut off by a crash left behind, once nothing writes to it.
	 */
	private void removeStaleTemporaries(Path dir) throws IOException {
		Instant stale = Instant.now().minus(this.properties.downloadTimeout().multipliedBy(2));
		try (Stream<Path> entries = Files.list(dir)) {
			for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(TEMP_PREFIX)).toList()) {
				if (Files.getLastModifiedTime(p).toInstant().isBefore(stale)) {
					FileSystemUtils.deleteRecursively(p);
				}
			}
		}
	}

	private static String describe(Exception ex) {
		if (ex instanceof UnknownHostException) {
			return "unknown host " + ex.getMessage();
		}
		if (ex instanceof java.net.ConnectException || ex instanceof SocketTimeoutException) {
			return "cannot connect (" + ex.getMessage() + ")";
		}
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
	}

	private static String mb(long bytes) {
		return String.format("%.1f", bytes / 1e6);
	}

	private static MessageDigest digest(String algorithm) {
		try {
			return MessageDigest.getInstance(algorithm);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
