package io.cnnservice.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import com.sun.net.httpserver.HttpServer;
import io.cnnservice.TestDatasets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Downloads from a mirror served on 127.0.0.1 with real MNIST bytes (recompressed). */
class DatasetDownloaderTest {

	private HttpServer server;

	private final Map<String, byte[]> served = new HashMap<>();

	@BeforeEach
	void startMirror() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/mnist/", exchange -> {
			String name = exchange.getRequestURI().getPath().substring("/mnist/".length());
			byte[] body = this.served.get(name);
			if (body == null) {
				exchange.sendResponseHeaders(404, -1);
			}
			else {
				exchange.sendResponseHeaders(200, body.length);
				exchange.getResponseBody().write(body);
			}
			exchange.close();
		});
		this.server.start();
	}

	@AfterEach
	void stopMirror() {
		this.server.stop(0);
	}

	private String mirror() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/mnist/";
	}

	/**
	 * The real file's content gzipped with another compression level: different bytes,
	 * same content.
	 */
	private static byte[] regzipped(String name) throws IOException {
		byte[] raw;
		try (InputStream in = IdxFiles.open(TestDatasets.mnist().resolve(name + ".gz"))) {
			raw = in.readAllBytes();
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (GZIPOutputStream gz = new GZIPOutputStream(out) {
			{
				this.def.setLevel(Deflater.BEST_SPEED);
			}
		}) {
			gz.write(raw);
		}
		return out.toByteArray();
	}

	private DatasetDownloader downloader(boolean enabled) {
		return new DatasetDownloader(new DatasetProperties(Path.of("unused"), enabled, Duration.ofSeconds(10),
				Map.of("mnist", List.of(mirror()))));
	}

	@Test
	void downloadsAMissingDatasetAndVerifiesItsContentChecksum(@TempDir Path root) throws IOException {
		for (String name : IdxFiles.STANDARD_NAMES) {
			this.served.put(name + ".gz", regzipped(name));
		}
		Path dir = root.resolve("mnist");

		downloader(true).download("mnist", dir);

		assertThat(IdxFiles.isComplete(dir)).isTrue();
		assertThat(Files.readAllBytes(dir.resolve("t10k-labels-idx1-ubyte.gz")))
			.isEqualTo(this.served.get("t10k-labels-idx1-ubyte.gz"));
		ImageSet test = IdxFiles.read(dir.resolve("t10k-images-idx3-ubyte.gz"),
				dir.resolve("t10k-labels-idx1-ubyte.gz"));
		assertThat(test.count()).isEqualTo(10_000);
		try (var files = Files.list(dir)) {
			assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
		}
	}

	@Test
	void neverKeepsAFileWhoseChecksumDoesNotMatch(@TempDir Path root) throws IOException {
		for (String name : IdxFiles.STANDARD_NAMES) {
			this.served.put(name + ".gz", regzipped(name));
		}
		// a mirror that serves the test labels in place of the train labels
		this.served.put("train-labels-idx1-ubyte.gz", regzipped("t10k-labels-idx1-ubyte"));
		Path dir = root.resolve("mnist");

		assertThatThrownBy(() -> downloader(true).download("mnist", dir))
			.isInstanceOf(DatasetUnavailableException.class)
			.hasMessageContaining("train-labels-idx1-ubyte.gz")
			.hasMessageContaining("checksum mismatch");
		assertThat(IdxFiles.find(dir, "train-labels-idx1-ubyte")).isEmpty();
		try (var files = Files.list(dir)) {
			assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("train-labels"));
		}
	}

	@Test
	void theCatalogDownloadsOnFirstUseAndRefusesWhenDownloadIsOff(@TempDir Path root) throws IOException {
		for (String name : IdxFiles.STANDARD_NAMES) {
			this.served.put(name + ".gz", regzipped(name));
		}
		DatasetProperties off = new DatasetProperties(root, false, Duration.ofSeconds(10),
				Map.of("mnist", List.of(mirror())));
		assertThatThrownBy(() -> new DatasetCatalog(off, new DatasetDownloader(off)).load("mnist"))
			.isInstanceOf(DatasetUnavailableException.class)
			.hasMessageContaining("downloading is disabled");

		DatasetProperties on = new DatasetProperties(root, true, Duration.ofSeconds(10),
				Map.of("mnist", List.of(mirror())));
		DatasetCatalog catalog = new DatasetCatalog(on, new DatasetDownloader(on));
		assertThat(catalog.describe("mnist").downloadable()).isTrue();
		LoadedDataset mnist = catalog.load("mnist");
		assertThat(mnist.train().count()).isEqualTo(60_000);
		assertThat(mnist.classes()).hasSize(10);
	}

	@Test
	void reportsEveryMirrorThatFailed(@TempDir Path root) {
		assertThatThrownBy(() -> downloader(true).download("mnist", root.resolve("mnist")))
			.isInstanceOf(DatasetUnavailableException.class)
			.hasMessageContaining("HTTP 404")
			.hasMessageContaining("train-images-idx3-ubyte.gz");
	}

}
