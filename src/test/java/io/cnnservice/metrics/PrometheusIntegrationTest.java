package io.cnnservice.metrics;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;

import io.cnnservice.TestStore;
import io.cnnservice.TestUploads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The service under a real Prometheus (Debian's package), both on 127.0.0.1, scraping
 * every second: a tiny training job and a few classifications must show up through
 * Prometheus's query API. Without a prometheus binary the test is skipped, unless
 * CNN_REQUIRE_PROMETHEUS is true (as in CI), where it fails.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@TestStore(value = TestStore.Contents.SHIPPED, isolated = true)
class PrometheusIntegrationTest {

	/** Prometheus's config, data and log. */
	static Path work;

	static Process prometheus;

	static int prometheusPort;

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	static Path binary(String name) {
		for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
			Path p = Path.of(dir, name);
			if (Files.isExecutable(p)) {
				return p;
			}
		}
		if ("true".equalsIgnoreCase(System.getenv("CNN_REQUIRE_PROMETHEUS"))) {
			throw new IllegalStateException(name + " is required (CNN_REQUIRE_PROMETHEUS=true) but not on the PATH");
		}
		assumeTrue(false, name + " is not installed (apt-get install prometheus)");
		return null;
	}

	@BeforeAll
	static void freePortAndWorkFolder() throws IOException {
		work = Files.createTempDirectory("cnn-prometheus-it");
		try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			prometheusPort = s.getLocalPort();
		}
	}

	@AfterAll
	static void stopPrometheus() throws InterruptedException {
		if (prometheus != null) {
			prometheus.destroy();
			if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
				prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		if (work != null) {
			FileSystemUtils.deleteRecursively(work.toFile());
		}
	}

	@Test
	void promtoolAcceptsTheShippedRulesAndConfig() throws Exception {
		Path promtool = binary("promtool");
		for (String[] args : new String[][] { { "check", "rules", "service/prometheus/alerts.yml" },
				{ "check", "config", "service/prometheus/prometheus.yml" } }) {
			String[] command = new String[args.length + 1];
			command[0] = promtool.toString();
			System.arraycopy(args, 0, command, 1, args.length);
			Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
			String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(p.waitFor()).as(out).isZero();
			assertThat(out).contains("SUCCESS");
		}
	}

	@Test
	void aRealPrometheusSeesTrainingAndInference() throws Exception {
		Path binary = binary("prometheus");
		Files.copy(Path.of("service/prometheus/alerts.yml"), work.resolve("alerts.yml"));
		Files.writeString(work.resolve("prometheus.yml"), """
				global:
				  scrape_interval: 1s
				  evaluation_interval: 1s
				rule_files: [alerts.yml]
				scrape_configs:
				  - job_name: cnn-service
				    metrics_path: /actuator/prometheus
				    static_configs:
				      - targets: ["127.0.0.1:%d"]
				""".formatted(this.port));
		prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + work.resolve("prometheus.yml"),
				"--storage.tsdb.path=" + work.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort)
			.redirectErrorStream(true)
			.redirectOutput(work.resolve("prometheus.log").toFile())
			.start();

		waitFor("up{job=\"cnn-service\"}", v -> v == 1);
		waitFor("cnn_training_jobs{status=\"succeeded\"}", v -> v == 0);

		JsonNode job = this.json.readTree(post("/api/v1/training-jobs", "application/json", """
				{"architecture": "lenet", "dataset": "mnist", "trainLimit": 640, "testLimit": 200, "seed": 3,
				 "modelName": "it-prometheus"}""".getBytes(StandardCharsets.UTF_8)));
		String id = job.get("id").asString();
		JsonNode done = this.json.readTree(get("/api/v1/training-jobs/" + id));
		for (int i = 0; i < 600 && !done.get("status").asString().matches("SUCCEEDED|FAILED|CANCELLED"); i++) {
			Thread.sleep(100);
			done = this.json.readTree(get("/api/v1/training-jobs/" + id));
		}
		assertThat(done.get("status").asString()).isEqualTo("SUCCEEDED");
		double accuracy = done.get("history").get(0).get("testAccuracy").asDouble();

		byte[] png = TestUploads.sevenPng();
		for (int i = 0; i < 3; i++) {
			post("/api/v1/models/lenet-mnist/classify", TestUploads.MULTIPART_TYPE, TestUploads.multipart(png));
		}

		waitFor("cnn_training_images_total{architecture=\"lenet\",dataset=\"mnist\"}", v -> v == 640);
		waitFor("cnn_training_jobs{status=\"succeeded\"}", v -> v == 1);
		waitFor("cnn_training_epoch{job_id=\"" + id + "\"}", v -> v == 1);
		waitFor("cnn_training_test_accuracy{job_id=\"" + id + "\"}", v -> Math.abs(v - accuracy) < 1e-9);
		waitFor("cnn_inference_images_total{model=\"lenet-mnist\"}", v -> v == 3);
		waitFor("cnn_inference_seconds_count{model=\"lenet-mnist\",outcome=\"success\"}", v -> v == 3);
		waitFor("sum(cnn_inference_seconds_bucket{model=\"lenet-mnist\",outcome=\"success\",le=\"+Inf\"})",
				v -> v == 3);
		waitFor("cnn_engine_info{engine=\"PyTorch\"}", v -> v == 1);
		JsonNode rules = this.json.readTree(prometheusGet("/api/v1/rules"));
		assertThat(rules.findValues("rules").get(0)).hasSize(5);
		assertThat(rules.findValuesAsString("health")).containsOnly("ok");
	}

	private void waitFor(String query, DoublePredicate expected) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		String last = null;
		while (System.nanoTime() < deadline) {
			try {
				JsonNode answer = this.json
					.readTree(prometheusGet("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)));
				last = answer.toString();
				JsonNode result = answer.get("data").get("result");
				if (result.size() == 1
						&& expected.test(Double.parseDouble(result.get(0).get("value").get(1).asString()))) {
					return;
				}
			}
			catch (IOException | tools.jackson.core.JacksonException ex) {
				// not listening yet, or still starting and answering in plain text
				last = ex.toString();
			}
			Thread.sleep(250);
		}
		throw new AssertionError("Prometheus never answered as expected for " + query + "; last answer: " + last
				+ "\nprometheus log tail: " + tail(work.resolve("prometheus.log")));
	}

	private static String tail(Path log) throws IOException {
		String text = Files.exists(log) ? Files.readString(log) : "";
		return text.substring(Math.max(0, text.length() - 2000));
	}

	private String prometheusGet(String path) throws Exception {
		return this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort + path)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

	private String get(String path) throws Exception {
		return this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

	private String post(String path, String contentType, byte[] body) throws Exception {
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
				.header("Content-Type", contentType)
				.POST(HttpRequest.BodyPublishers.ofByteArray(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
		return response.body();
	}

}
