package io.cnnservice.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Fetches a missing MNIST or Fashion-MNIST from mirror URLs. Each file is verified by the
 * SHA-256 of its decompressed idx content (so any faithful gzip of the original passes)
 * before it is moved into place; a mismatch is never used.
 */
@Component
public class DatasetDownloader {

	private static final Logger log = LoggerFactory.getLogger(DatasetDownloader.class);

	/** SHA-256 of the decompressed standard files, by dataset and file name. */
	static final Map<String, Map<String, String>> CHECKSUMS = Map.of("mnist",
			Map.of("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
					"train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
					"t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
					"t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
			"fashion-mnist",
			Map.of("train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
					"train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
					"t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
					"t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"));

	private final DatasetProperties properties;

	private final HttpClient http;

	public DatasetDownloader(DatasetProperties properties) {
		this.properties = properties;
		this.http = HttpClient.newBuilder()
			.connectTimeout(properties.downloadTimeout())
			.followRedirects(HttpClient.Redirect.NORMAL)
			.build();
	}

	/**
	 * Whether this dataset can be fetched at all (download enabled, checksums and mirrors
	 * known).
	 */
	public boolean canDownload(String dataset) {
		return this.properties.download() && CHECKSUMS.containsKey(dataset) && !mirrors(dataset).isEmpty();
	}

	List<String> mirrors(String dataset) {
		return this.properties.mirrors().getOrDefault(dataset, List.of());
	}

	/**
	 * Downloads every missing standard file of the dataset into {@code dir}.
	 * @throws DatasetUnavailableException when a file cannot be fetched from any mirror
	 * with the right checksum
	 */
	public void download(String dataset, Path dir) {
		Map<String, String> expected = CHECKSUMS.get(dataset);
		try {
			Files.createDirectories(dir);
		}
		catch (IOException ex) {
			throw DatasetUnavailableException.because(dataset, "cannot create " + dir + ": " + ex.getMessage(), ex);
		}
		for (String file : IdxFiles.STANDARD_NAMES) {
			if (IdxFiles.find(dir, file).isPresent()) {
				continue;
			}
			List<String> failures = new ArrayList<>();
			boolean done = false;
			for (String mirror : mirrors(dataset)) {
				String url = mirror.endsWith("/") ? mirror + file + ".gz" : mirror + "/" + file + ".gz";
				try {
					fetch(URI.create(url), dir.resolve(file + ".gz"), expected.get(file));
					log.info("Downloaded {} of {} from {}", file, dataset, url);
					done = true;
					break;
				}
				catch (IOException | IllegalArgumentException ex) {
					failures.add(url + ": " + ex.getMessage());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw DatasetUnavailableException.because(dataset, "download interrupted");
				}
			}
			if (!done) {
				throw DatasetUnavailableException.because(dataset,
						"could not download " + file + ".gz (" + String.join("; ", failures) + ")");
			}
		}
	}

	private void fetch(URI uri, Path target, String sha256) throws IOException, InterruptedException {
		Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
		try {
			HttpRequest request = HttpRequest.newBuilder(uri).timeout(this.properties.downloadTimeout()).GET().build();
			HttpResponse<Path> response = this.http.send(request, HttpResponse.BodyHandlers.ofFile(tmp,
					java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING));
			if (response.statusCode() != 200) {
				throw new IOException("HTTP " + response.statusCode());
			}
			String actual = sha256OfContent(tmp);
			if (!actual.equals(sha256)) {
				throw new IOException("checksum mismatch: expected SHA-256 " + sha256 + " of the idx content, got "
						+ actual + "; the file was discarded");
			}
			Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
		}
		finally {
			Files.deleteIfExists(tmp);
		}
	}

	/** SHA-256 of a file's content after gunzip (or as is, when it is not gzipped). */
	static String sha256OfContent(Path file) throws IOException {
		MessageDigest digest;
		try {
			digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
		try (InputStream in = new DigestInputStream(IdxFiles.open(file), digest)) {
			in.transferTo(java.io.OutputStream.nullOutputStream());
		}
		catch (java.util.zip.ZipException | java.io.EOFException ex) {
			throw new IOException("not a valid gzip file: " + ex.getMessage());
		}
		return HexFormat.of().formatHex(digest.digest());
	}

}
