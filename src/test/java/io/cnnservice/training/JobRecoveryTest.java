package io.cnnservice.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

import io.cnnservice.TestRequests;
import io.cnnservice.TestStore;
import io.cnnservice.models.ModelStoreProperties;
import io.cnnservice.training.api.TrainingRequest;
import io.cnnservice.training.jobs.JobRepository;
import io.cnnservice.training.jobs.TrainingJob;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service that starts on a store holding the records of jobs another run left: one a
 * live process on another node owns, one in a crash loop, one that was running, one that
 * was queued under a lease that expired. And resuming jobs by request.
 */
@SpringBootTest(properties = { "cnn.training.max-restarts=3", "cnn.datasets.download=false" })
@AutoConfigureMockMvc
@TestStore(seed = JobRecoveryTest.LeftBehind.class)
class JobRecoveryTest {

	static final String OWNED = "a0000000000a";

	static final String LOOPING = "b0000000000b";

	static final String WAS_RUNNING = "c0000000000c";

	static final String WAS_QUEUED = "d0000000000d";

	/** The records and leases another run left in the store. */
	static final class LeftBehind implements Consumer<Path> {

		@Override
		public void accept(Path store) {
			try {
				JobRepository records = new JobRepository(new ModelStoreProperties(store),
						JsonMapper.builder().build());
				TrainingRequest request = TestRequests.parse("""
						{"architecture": "seed-fc", "dataset": "mnist", "trainLimit": 128, "testLimit": 100}""")
					.withDefaults(1);
				TrainingJob owned = new TrainingJob(OWNED, request, Instant.now());
				owned.start();
				records.save(owned);
				lease(store, OWNED, "7@other-node:live", Instant.now().plus(Duration.ofHours(1)));

				TrainingJob looping = new TrainingJob(LOOPING, request, Instant.now());
				looping.start();
				for (int i = 0; i < 3; i++) {
					looping.requeue("restarted", false);
				}
				looping.start();
				records.save(looping);

				TrainingJob running = new TrainingJob(WAS_RUNNING, request, Instant.now());
				running.start();
				records.save(running);

				records.save(new TrainingJob(WAS_QUEUED, request, Instant.now()));
				lease(store, WAS_QUEUED, "7@other-node:gone", Instant.now().minus(Duration.ofMinutes(1)));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		static void lease(Path store, String id, String owner, Instant expires) throws IOException {
			Files.writeString(store.resolve(".jobs").resolve(id + ".lease"), owner + "\n" + expires + "\n");
		}

	}

	/** The model store the service runs on. */
	@Value("${cnn.model-store.root}")
	Path store;

	@Autowired
	MockMvcTester mvc;

	@Autowired
	JsonMapper json;

	JobPolling jobs;

	@BeforeEach
	void setUp() {
		this.jobs = new JobPolling(this.mvc, this.json);
	}

	@Test
	void aJobAnotherLiveProcessOwnsIsLeftAlone() throws Exception {
		JsonNode job = this.jobs.get("/api/v1/training-jobs/" + OWNED);
		assertThat(job.get("status").asString()).isEqualTo("RUNNING");
		assertThat(Files.readString(this.store.resolve(".jobs/" + OWNED + ".lease"))).startsWith("7@other-node:live");
		assertThat(Files.readString(this.store.resolve(".jobs/" + OWNED + ".json"))).contains("\"RUNNING\"");
		assertThat(this.mvc.post().uri("/api/v1/training-jobs/" + OWNED + "/resume")).hasStatus(HttpStatus.CONFLICT)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void aJobRestartedTooOftenWithoutFinishingAnEpochFails() throws Exception {
		JsonNode job = this.jobs.waitUntilFinished(LOOPING);
		assertThat(job.get("status").asString()).isEqualTo("FAILED");
		assertThat(job.get("error").asString()).contains("restarted 4 times").contains("cnn.training.max-restarts");
		assertThat(job.get("recovery").get("restarts").asInt()).isEqualTo(4);
	}

	@Test
	void interruptedAndOrphanedJobsRunAgainWithoutBeingAsked() throws Exception {
		JsonNode resumed = this.jobs.waitUntilFinished(WAS_RUNNING);
		assertThat(resumed.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(resumed.get("recovery").get("restarts").asInt()).isEqualTo(1);
		// no checkpoint was left: it trained from the start
		assertThat(resumed.get("recovery").has("resumedFrom")).isFalse();
		assertThat(resumed.get("history")).hasSize(1);

		JsonNode adopted = this.jobs.waitUntilFinished(WAS_QUEUED);
		assertThat(adopted.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(adopted.get("recovery").get("restarts").asInt()).as("it never started before, so it did not restart")
			.isZero();
		assertThat(this.store.resolve(".jobs/" + WAS_QUEUED + ".lease")).doesNotExist();
		assertThat(this.mvc.post().uri("/api/v1/training-jobs/" + WAS_QUEUED + "/resume"))
			.hasStatus(HttpStatus.CONFLICT)
			.bodyJson()
			.extractingPath("$.detail")
			.asString()
			.contains("succeeded");
	}

	@Test
	void aCancelledJobResumedByRequestEndsAsIfNeverCancelled() throws Exception {
		String request = """
				{"architecture": "lenet", "dataset": "mnist", "epochs": 3, "trainLimit": 1920, "testLimit": 200,
				 "batchSize": 32, "augment": "flip-crop", "seed": 9, "modelName": "%s"}""";
		String id = this.jobs.submit(request.formatted("it-resumed")).get("id").asString();
		this.jobs.waitFor(id, j -> j.get("history").size() == 1 && j.get("progress").get("batch").asInt() > 5
				|| j.get("status").asString().equals("SUCCEEDED"), Duration.ofMinutes(2));
		assertThat(this.mvc.post().uri("/api/v1/training-jobs/" + id + "/cancel")).hasStatus(HttpStatus.ACCEPTED);
		JsonNode cancelled = this.jobs.waitUntilFinished(id);
		assertThat(cancelled.get("status").asString()).isEqualTo("CANCELLED");
		// the cancel wrote a checkpoint where it stopped
		JsonNode checkpoint = cancelled.get("recovery").get("checkpoint");
		assertThat(checkpoint.get("epoch").asInt()).isEqualTo(2);

		assertThat(this.mvc.post().uri("/api/v1/training-jobs/" + id + "/resume")).hasStatus(HttpStatus.ACCEPTED);
		JsonNode resumed = this.jobs.waitUntilFinished(id);
		assertThat(resumed.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(resumed.get("recovery").get("resumedFrom").get("batch").asInt())
			.isEqualTo(checkpoint.get("batch").asInt());
		JsonNode plain = this.jobs
			.waitUntilFinished(this.jobs.submit(request.formatted("it-plain")).get("id").asString());
		assertThat(resumed.get("history")).hasSize(3);
		for (int e = 0; e < 3; e++) {
			for (String field : new String[] { "trainLoss", "trainAccuracy", "testLoss", "testAccuracy" }) {
				assertThat(resumed.get("history").get(e).get(field).asDouble()).as("epoch %d %s", e + 1, field)
					.isEqualTo(plain.get("history").get(e).get(field).asDouble());
			}
		}
		assertThat(this.store.resolve(".jobs").resolve(id)).as("its checkpoints, gone once it succeeded")
			.doesNotExist();
	}

	@Test
	void aJobCancelledBeforeItStartedHasNothingToResume() throws Exception {
		// one worker: the second job waits behind the first
		String first = this.jobs.submit("""
				{"architecture": "lenet", "dataset": "mnist", "epochs": 50, "trainLimit": 640,
				 "modelName": "it-blocker"}""").get("id").asString();
		String queued = this.jobs.submit("""
				{"architecture": "lenet", "dataset": "mnist", "modelName": "it-never-ran"}""").get("id").asString();
		this.mvc.post().uri("/api/v1/training-jobs/" + queued + "/cancel").exchange();
		this.mvc.post().uri("/api/v1/training-jobs/" + first + "/cancel").exchange();
		assertThat(this.mvc.post().uri("/api/v1/training-jobs/" + queued + "/resume")).hasStatus(HttpStatus.CONFLICT)
			.bodyJson()
			.extractingPath("$.detail")
			.asString()
			.contains("no checkpoint");
		assertThat(this.mvc.post().uri("/api/v1/training-jobs/nosuchjob/resume")).hasStatus(HttpStatus.NOT_FOUND);
		this.jobs.waitUntilFinished(first);
	}

}
