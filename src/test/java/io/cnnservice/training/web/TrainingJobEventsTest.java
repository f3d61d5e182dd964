package io.cnnservice.training.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import io.cnnservice.Application;
import io.cnnservice.TestDatasets;
import io.cnnservice.TestStore;
import io.cnnservice.TestStores;
import io.cnnservice.training.TrainingJobService;
import io.cnnservice.training.api.JobStatus;
import io.cnnservice.training.api.TrainingJobView;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Watching a job over its event stream, through the real server (MockMvc does not stream)
 * with real training on MNIST.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "cnn.training.event-interval=100ms", "cnn.datasets.download=false" })
@TestStore
class TrainingJobEventsTest {

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	@Autowired
	TrainingJobEvents events;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void aJobIsWatchedToItsEndOverOneStream() throws Exception {
		String id = submit("""
				{"architecture": "lenet", "dataset": "mnist", "epochs": 3, "batchSize": 32,
				 "testLimit": 200, "seed": 3, "modelName": "events"}""");
		List<SseEvents.Event> events = new ArrayList<>();
		try (Stream<String> lines = stream(id).body()) {
			SseEvents.read(lines.iterator(), events, Integer.MAX_VALUE);
		}
		assertThat(events.get(0).name()).isEqualTo("job");
		assertThat(events.get(0).data().get("id").asString()).isEqualTo(id);
		SseEvents.Event last = events.get(events.size() - 1);
		assertThat(last.name()).as("the stream ends with the finished job").isEqualTo("finished");
		assertThat(last.data().get("status").asString()).isEqualTo("SUCCEEDED");
		JsonNode job = get("/api/v1/training-jobs/" + id);
		assertThat(last.data()).as("the last event is the job as GET reads it").isEqualTo(job);

		List<JsonNode> epochs = events.stream()
			.filter(e -> e.name().equals("epoch"))
			.map(SseEvents.Event::data)
			.toList();
		assertThat(epochs).as("one event per epoch, even when the job ended between two pushes")
			.containsExactly(job.get("history").get(0), job.get("history").get(1), job.get("history").get(2));
		List<JsonNode> progress = events.stream()
			.filter(e -> e.name().equals("progress"))
			.map(SseEvents.Event::data)
			.toList();
		assertThat(progress).as("progress while it trained").isNotEmpty();
		double percent = 0;
		for (JsonNode p : progress) {
			assertThat(p.get("percent").asDouble()).isGreaterThanOrEqualTo(percent);
			percent = p.get("percent").asDouble();
		}
		assertThat(progress.get(progress.size() - 1).get("percent").asDouble()).isLessThanOrEqualTo(100);

		// once the job is over, a new watcher gets just the end, and the stream closes
		List<SseEvents.Event> late = new ArrayList<>();
		try (Stream<String> lines = stream(id).body()) {
			SseEvents.read(lines.iterator(), late, Integer.MAX_VALUE);
		}
		assertThat(late).extracting(SseEvents.Event::name).containsExactly("finished");
		assertThat(late.get(0).data()).isEqualTo(job);
	}

	@Test
	void aWatcherThatHangsUpIsForgotten() throws Exception {
		String id = submit("""
				{"architecture": "lenet", "dataset": "mnist", "epochs": 50, "batchSize": 64,
				 "testLimit": 100, "seed": 4, "modelName": "events-cancelled"}""");
		try {
			HttpResponse<Stream<String>> response = stream(id);
			try (Stream<String> lines = response.body()) {
				List<SseEvents.Event> first = new ArrayList<>();
				SseEvents.read(lines.iterator(), first, 1);
				assertThat(first.get(0).name()).isEqualTo("job");
				assertThat(this.events.open()).isEqualTo(1);
			}
			// the server notices at its next write, at most one interval later
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (this.events.open() > 0 && System.nanoTime() < deadline) {
				Thread.sleep(50);
			}
			assertThat(this.events.open()).as("open streams after the client went away").isZero();
		}
		finally {
			this.http.send(HttpRequest.newBuilder(uri("/api/v1/training-jobs/" + id + "/cancel"))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.discarding());
		}
	}

	@Test
	void openStreamsDoNotHoldUpShutdown() throws Exception {
		Path store = TestStores.empty("cnn-store-events-shutdown");
		ConfigurableApplicationContext service = startService(store);
		try {
			String base = "http://127.0.0.1:" + ((WebServerApplicationContext) service).getWebServer().getPort();
			HttpResponse<String> submitted = this.http
				.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/training-jobs"))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("""
							{"architecture": "lenet", "dataset": "mnist", "epochs": 50, "testLimit": 100,
							 "modelName": "events-shutdown"}"""))
					.build(), HttpResponse.BodyHandlers.ofString());
			String id = this.json.readTree(submitted.body()).get("id").asString();
			HttpResponse<Stream<String>> response = this.http.send(
					HttpRequest.newBuilder(URI.create(base + "/api/v1/training-jobs/" + id + "/events")).build(),
					HttpResponse.BodyHandlers.ofLines());
			try (Stream<String> lines = response.body()) {
				Iterator<String> it = lines.iterator();
				SseEvents.read(it, new ArrayList<>(), 1);
				long start = System.nanoTime();
				service.close();
				double seconds = (System.nanoTime() - start) / 1e9;
				// graceful shutdown waits up to 30 s for open requests, and a
				// stream lasts as long as its job
				assertThat(seconds).as("seconds to shut down with a stream open").isLessThan(15);
				List<SseEvents.Event> rest = new ArrayList<>();
				SseEvents.read(it, rest, Integer.MAX_VALUE);
				assertThat(rest).extracting(SseEvents.Event::name).doesNotContain("finished");
			}
		}
		finally {
			service.close();
			FileSystemUtils.deleteRecursively(store);
		}
	}

	@Test
	void aResumedJobsStreamSaysWhereItResumedAndGoesOnFromThere() throws Exception {
		String id = submit("""
				{"architecture": "lenet", "dataset": "mnist", "epochs": 2, "batchSize": 32, "trainLimit": 1920,
				 "testLimit": 100, "seed": 5, "modelName": "events-resumed"}""");
		waitFor(id, j -> j.get("progress").get("epoch").asInt() == 2 && j.get("progress").get("batch").asInt() > 0);
		cancel(id);
		JsonNode cancelled = waitFor(id, j -> j.get("status").asString().equals("CANCELLED"));
		JsonNode checkpoint = cancelled.get("recovery").get("checkpoint");
		// a job in the one worker keeps the resumed one queued while the stream opens
		String blocker = submit("""
				{"architecture": "lenet", "dataset": "mnist", "epochs": 50, "testLimit": 100,
				 "modelName": "events-blocker"}""");
		waitFor(blocker, j -> j.get("status").asString().equals("RUNNING"));
		HttpResponse<String> resumed = this.http
			.send(HttpRequest.newBuilder(uri("/api/v1/training-jobs/" + id + "/resume"))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(202);

		List<SseEvents.Event> events = new ArrayList<>();
		try (Stream<String> lines = stream(id).body()) {
			Iterator<String> it = lines.iterator();
			SseEvents.read(it, events, 1);
			assertThat(events.get(0).data().get("status").asString()).isEqualTo("QUEUED");
			cancel(blocker);
			SseEvents.read(it, events, Integer.MAX_VALUE);
		}
		List<String> names = events.stream().map(SseEvents.Event::name).toList();
		assertThat(names).contains("resumed").endsWith("finished");
		JsonNode from = events.get(names.indexOf("resumed")).data().get("resumedFrom");
		assertThat(from.get("epoch").asInt()).isEqualTo(2);
		assertThat(from.get("batch").asInt()).isEqualTo(checkpoint.get("batch").asInt());
		assertThat(events.stream().filter(e -> e.name().equals("epoch")).map(e -> e.data().get("epoch").asInt()))
			.as("epoch 1 was in the checkpoint; only epoch 2 ends after the resume")
			.containsExactly(2);
		assertThat(events.get(events.size() - 1).data().get("history")).hasSize(2);
	}

	@Test
	void aDrainingServiceCheckpointsItsJobKeepsItQueuedAndRefusesNewOnesWithRetryAfter() throws Exception {
		Path store = TestStores.empty("cnn-store-drain");
		ConfigurableApplicationContext service = startService(store);
		try {
			String base = "http://127.0.0.1:" + ((WebServerApplicationContext) service).getWebServer().getPort();
			HttpResponse<String> submitted = post(base + "/api/v1/training-jobs", """
					{"architecture": "lenet", "dataset": "mnist", "epochs": 50, "testLimit": 100,
					 "modelName": "drained"}""");
			String id = this.json.readTree(submitted.body()).get("id").asString();
			TrainingJobService jobs = service.getBean(TrainingJobService.class);
			long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
			while (jobs.get(id).progress().batch() == 0 && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			jobs.drain();

			HttpResponse<String> refused = post(base + "/api/v1/training-jobs", """
					{"architecture": "lenet", "dataset": "mnist"}""");
			assertThat(refused.statusCode()).isEqualTo(503);
			assertThat(refused.headers().firstValue("Retry-After")).isPresent();
			assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(this.json.readTree(refused.body()).get("detail").asString()).contains("shutting down");
			TrainingJobView drained = jobs.get(id);
			assertThat(drained.status()).isEqualTo(JobStatus.QUEUED);
			assertThat(drained.error()).isEqualTo("interrupted by shutdown; resumes on the next start");
			assertThat(drained.recovery().checkpoint().batch()).isPositive();
			assertThat(java.nio.file.Files.readString(store.resolve(".jobs").resolve(id + ".json")))
				.contains("\"QUEUED\"");
			assertThat(store.resolve(".jobs").resolve(id + ".lease")).doesNotExist();
		}
		finally {
			service.close();
			FileSystemUtils.deleteRecursively(store);
		}
	}

	/** A whole service of its own on a free port, for a test that shuts it down. */
	private static ConfigurableApplicationContext startService(Path store) {
		return new SpringApplicationBuilder(Application.class).run("--server.port=0", "--server.address=127.0.0.1",
				"--cnn.datasets.root=" + TestDatasets.root(), "--cnn.datasets.download=false",
				"--cnn.model-store.root=" + store);
	}

	private HttpResponse<String> post(String url, String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private void cancel(String id) throws Exception {
		this.http.send(HttpRequest.newBuilder(uri("/api/v1/training-jobs/" + id + "/cancel"))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.discarding());
	}

	private JsonNode waitFor(String id, java.util.function.Predicate<JsonNode> condition) throws Exception {
		long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
		JsonNode job = get("/api/v1/training-jobs/" + id);
		while (!condition.test(job)) {
			assertThat(System.nanoTime()).as("waiting for job " + id + ": " + job).isLessThan(deadline);
			Thread.sleep(20);
			job = get("/api/v1/training-jobs/" + id);
		}
		return job;
	}

	@Test
	void anUnknownJobIsAProblemEvenToAClientThatWantsAStream() throws Exception {
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(uri("/api/v1/training-jobs/nosuchjob/events"))
				.header("Accept", "text/event-stream")
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(this.json.readTree(response.body()).get("detail").asString()).contains("nosuchjob");
	}

	private HttpResponse<Stream<String>> stream(String id) throws Exception {
		HttpResponse<Stream<String>> response = this.http
			.send(HttpRequest.newBuilder(uri("/api/v1/training-jobs/" + id + "/events"))
				.header("Accept", "text/event-stream")
				.timeout(Duration.ofMinutes(2))
				.build(), HttpResponse.BodyHandlers.ofLines());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
		return response;
	}

	private String submit(String body) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri("/api/v1/training-jobs"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
		return this.json.readTree(response.body()).get("id").asString();
	}

	private JsonNode get(String path) throws Exception {
		return this.json.readTree(
				this.http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString()).body());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
