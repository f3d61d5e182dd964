package io.cnnservice.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.cnnservice.TestDatasets;
import io.cnnservice.TestStore;
import io.cnnservice.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service with one worker and one queue slot, over a datasets root that has MNIST, a
 * broken custom folder and no Fashion-MNIST (with downloads off).
 */
@SpringBootTest(properties = { "cnn.training.concurrency=1", "cnn.training.queue-capacity=1",
		"cnn.training.retry-after-seconds=7", "cnn.datasets.download=false" })
@AutoConfigureMockMvc
@TestStore
class TrainingQueueIntegrationTest {

	static final Path ROOT;

	static {
		try {
			ROOT = Files.createTempDirectory("cnn-queue-it");
			Path datasets = Files.createDirectories(ROOT.resolve("datasets"));
			Files.createSymbolicLink(datasets.resolve("mnist"), TestDatasets.mnist());
			Files.createDirectories(datasets.resolve("broken").resolve("train").resolve("cat"));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("cnn.datasets.root", () -> ROOT.resolve("datasets").toString());
	}

	@AfterAll
	static void deleteDatasets() throws InterruptedException {
		TestStores.delete(ROOT);
	}

	/** A job that trains far longer than any test waits. */
	static final String SLOW = """
			{"architecture": "lenet", "dataset": "mnist", "epochs": 500, "trainLimit": 640, "testLimit": 100,
			 "modelName": "%s"}""";

	@Autowired
	MockMvcTester mvc;

	@Autowired
	JsonMapper json;

	@Autowired
	TrainingJobService service;

	@Test
	void aFullQueueAnswers503WithRetryAfterAndQueuedJobsCancelAtOnce() throws Exception {
		JobPolling jobs = new JobPolling(this.mvc, this.json);
		String slow = SLOW.formatted("it-queue");
		String running = jobs.submit(slow).get("id").asString();
		jobs.waitFor(running, j -> j.get("status").asString().equals("RUNNING"), java.time.Duration.ofMinutes(1));
		String queued = jobs.submit(slow).get("id").asString();

		var refused = this.mvc.post()
			.uri("/api/v1/training-jobs")
			.contentType("application/json")
			.content(slow)
			.exchange();
		assertThat(refused).hasStatus(HttpStatus.SERVICE_UNAVAILABLE).hasContentType("application/problem+json");
		assertThat(refused.getResponse().getHeader("Retry-After")).isEqualTo("7");
		assertThat(refused.getResponse().getContentAsString()).contains("queue is full");

		assertThat(jobs.get("/api/v1/training-jobs/" + queued).get("status").asString()).isEqualTo("QUEUED");
		this.mvc.post().uri("/api/v1/training-jobs/" + queued + "/cancel").exchange();
		assertThat(jobs.get("/api/v1/training-jobs/" + queued).get("status").asString()).isEqualTo("CANCELLED");
		this.mvc.post().uri("/api/v1/training-jobs/" + running + "/cancel").exchange();
		assertThat(jobs.waitUntilFinished(running).get("status").asString()).isEqualTo("CANCELLED");
		assertThat(jobs.waitUntilFinished(queued).get("history")).isEmpty();
	}

	@Test
	void aDatasetThatCannotBeReadIs422NamingTheField() {
		for (String dataset : new String[] { "broken", "fashion-mnist" }) {
			var result = this.mvc.post()
				.uri("/api/v1/training-jobs")
				.contentType("application/json")
				.content("{\"architecture\": \"lenet\", \"dataset\": \"" + dataset + "\"}")
				.exchange();
			assertThat(result).hasStatus(HttpStatus.UNPROCESSABLE_CONTENT)
				.hasContentType("application/problem+json")
				.bodyJson()
				.extractingPath("$.errors[0].field")
				.isEqualTo("dataset");
		}
	}

	@Test
	void aResumeRefusedForAFullQueueLeavesTheJobAsItWasAndNoneTakesItUpLater() throws Exception {
		JobPolling jobs = new JobPolling(this.mvc, this.json);
		String slow = SLOW.formatted("it-queue-resume");
		// a job cancelled after an epoch, so that it has a checkpoint to resume from
		String cancelled = jobs.submit(slow).get("id").asString();
		jobs.waitFor(cancelled, j -> j.get("history").size() >= 1, java.time.Duration.ofMinutes(1));
		this.mvc.post().uri("/api/v1/training-jobs/" + cancelled + "/cancel").exchange();
		JsonNode before = jobs.waitUntilFinished(cancelled);
		assertThat(before.get("status").asString()).isEqualTo("CANCELLED");

		String running = jobs.submit(slow).get("id").asString();
		jobs.waitFor(running, j -> j.get("status").asString().equals("RUNNING"), java.time.Duration.ofMinutes(1));
		String queued = jobs.submit(slow).get("id").asString();
		try {
			var refused = this.mvc.post().uri("/api/v1/training-jobs/" + cancelled + "/resume").exchange();
			assertThat(refused).hasStatus(HttpStatus.SERVICE_UNAVAILABLE);
			JsonNode after = jobs.get("/api/v1/training-jobs/" + cancelled);
			assertThat(after.get("status").asString()).isEqualTo("CANCELLED");
			assertThat(after.get("error").asString()).isEqualTo(before.get("error").asString());
			// the next look for orphans finds a finished job, not one to run
			this.service.adoptOrphans();
			assertThat(jobs.get("/api/v1/training-jobs/" + cancelled).get("status").asString()).isEqualTo("CANCELLED");
		}
		finally {
			this.mvc.post().uri("/api/v1/training-jobs/" + queued + "/cancel").exchange();
			this.mvc.post().uri("/api/v1/training-jobs/" + running + "/cancel").exchange();
			jobs.waitUntilFinished(running);
		}
	}

}
