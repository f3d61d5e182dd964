package io.cnnservice.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import io.cnnservice.TestDatasets;
import io.cnnservice.TestStore;
import io.cnnservice.TestStores;
import io.cnnservice.datasets.formats.IdxFiles;
import io.cnnservice.training.JobPolling;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service whose datasets root starts empty, downloading from mirrors on 127.0.0.1 that
 * serve the committed real datasets: MNIST and Fashion-MNIST as the real mirrors serve
 * them, CIFAR-10 from a mirror that has nothing.
 */
@SpringBootTest
@AutoConfigureMockMvc
@TestStore
class DatasetDownloadApiTest {

	static final Path ROOT = TestStores.empty("cnn-download-api");

	static final CountDownLatch RELEASE = new CountDownLatch(1);

	static final TestMirror MIRROR;

	static {
		try {
			MIRROR = new TestMirror().slowly(64 * 1024).holdAfterFirstBytes("mnist/", RELEASE);
			for (String dataset : List.of("mnist", "fashion-mnist")) {
				for (String name : IdxFiles.STANDARD_NAMES) {
					MIRROR.serve(dataset + "/" + name + ".gz", TestArchives.regzipped(dataset, name));
				}
			}
			Files.createDirectories(ROOT.resolve("datasets").resolve("my-photos").resolve("train").resolve("cat"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@TestConfiguration
	static class Mirrors {

		@Bean
		@Primary
		DatasetDownloader mirroredDownloader(DatasetProperties properties) throws IOException {
			return new DatasetDownloader(properties,
					Map.of("mnist", TestArchives.idxSource("mnist", List.of(MIRROR.url() + "mnist/")), "fashion-mnist",
							TestArchives.idxSource("fashion-mnist", List.of(MIRROR.url() + "fashion-mnist/")),
							"cifar10", new DownloadSource("cifar10", List.of(MIRROR.url() + "nothing/"),
									DownloadSource.STANDARD.get("cifar10").files(), true)));
		}

	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("cnn.datasets.root", () -> ROOT.resolve("datasets").toString());
	}

	@AfterAll
	static void stopMirror() throws InterruptedException {
		MIRROR.close();
		TestStores.delete(ROOT);
	}

	@Autowired
	MockMvcTester mvc;

	@Autowired
	JsonMapper json;

	private JsonNode body(MvcTestResult result) throws Exception {
		return this.json.readTree(result.getResponse().getContentAsString());
	}

	private JsonNode dataset(String name) throws Exception {
		return body(this.mvc.get().uri("/api/v1/datasets/" + name).exchange());
	}

	@Test
	void aDownloadShowsItsProgressAndEndsReady() throws Exception {
		JsonNode absent = dataset("mnist");
		assertThat(absent.get("state").asString()).isEqualTo("absent");
		assertThat(absent.get("downloadable").asBoolean()).isTrue();
		assertThat(absent.get("inputShape").toString()).isEqualTo("[1,28,28]");

		MvcTestResult started = this.mvc.post().uri("/api/v1/datasets/mnist/download").exchange();
		assertThat(started).hasStatus(HttpStatus.ACCEPTED);
		assertThat(started.getResponse().getHeader("Location")).endsWith("/api/v1/datasets/mnist");
		assertThat(body(started).get("state").asString()).isEqualTo("downloading");

		// the mirror holds the transfer after its first bytes
		JsonNode downloading = dataset("mnist");
		assertThat(downloading.get("state").asString()).isEqualTo("downloading");
		JsonNode progress = downloading.get("download");
		long total = Stream
			.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
					"t10k-labels-idx1-ubyte")
			.mapToLong((n) -> {
				try {
					return TestArchives.regzipped("mnist", n).length;
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			})
			.sum();
		assertThat(progress.get("bytesDone").asLong()).isPositive().isLessThan(total);
		assertThat(progress.get("bytesTotal").asLong()).isPositive();
		assertThat(progress.get("source").asString()).isEqualTo(MIRROR.url() + "mnist/train-images-idx3-ubyte.gz");
		// asking again joins the download that runs
		assertThat(this.mvc.post().uri("/api/v1/datasets/mnist/download")).hasStatus(HttpStatus.ACCEPTED);

		RELEASE.countDown();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (!dataset("mnist").get("state").asString().equals("ready") && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		JsonNode ready = dataset("mnist");
		assertThat(ready.get("state").asString()).isEqualTo("ready");
		assertThat(ready.get("trainSize").asInt()).isEqualTo(TestDatasets.IDX_TRAIN);
		assertThat(ready.has("download")).isFalse();
		assertThat(this.mvc.post().uri("/api/v1/datasets/mnist/download")).hasStatusOk();
	}

	@Test
	void aJobOnAMissingDatasetDownloadsItFirst() throws Exception {
		JobPolling jobs = new JobPolling(this.mvc, this.json);
		JsonNode submitted = jobs.submit("""
				{"architecture": "seed-fc", "dataset": "fashion-mnist", "trainLimit": 256, "testLimit": 200,
				 "seed": 2, "modelName": "it-fashion"}""");
		JsonNode job = jobs.waitUntilFinished(submitted.get("id").asString());

		assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
		assertThat(dataset("fashion-mnist").get("state").asString()).isEqualTo("ready");
		assertThat(jobs.get("/api/v1/models/it-fashion/versions/1").get("classes").get(0).asString())
			.isEqualTo("T-shirt/top");
	}

	@Test
	void aFailedDownloadIsAProblemNamingTheMirrorAndLeavesNothingBehind() throws Exception {
		MvcTestResult failed = this.mvc.post().uri("/api/v1/datasets/cifar10/download").exchange();

		assertThat(failed).hasStatus(HttpStatus.BAD_GATEWAY).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		String url = MIRROR.url() + "nothing/cifar-10-binary.tar.gz";
		assertThat(body(failed).get("detail").asString()).contains(url + ": HTTP 404");
		JsonNode cifar = dataset("cifar10");
		assertThat(cifar.get("state").asString()).isEqualTo("failed");
		assertThat(cifar.get("problem").asString()).contains(url);
		try (Stream<Path> left = Files.list(ROOT.resolve("datasets").resolve("cifar10"))) {
			assertThat(left).isEmpty();
		}
	}

	@Test
	void onlyStandardDatasetsDownload() throws Exception {
		assertThat(this.mvc.post().uri("/api/v1/datasets/my-photos/download")).hasStatus(HttpStatus.CONFLICT)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.extractingPath("$.detail")
			.asString()
			.contains("custom");
		assertThat(this.mvc.post().uri("/api/v1/datasets/imagenet/download")).hasStatus(HttpStatus.NOT_FOUND)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

}
