package io.cnnservice.training;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import io.cnnservice.ServiceProcess;
import io.cnnservice.ServiceProcessTest;
import io.cnnservice.training.web.SseEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two service processes on one store, each on its own port, as two replicas behind one
 * Service: a job submitted to one is listed, watched and cancelled through the other,
 * while a worker process of the first trains it.
 */
@ServiceProcessTest
class SharedStoreTest {

	/** The local runner's default: each job trains in a worker process of its own. */
	private static final String WORKERS = "--cnn.training.isolation=process";

	@TempDir
	Path dir;

	@Test
	void aJobSubmittedToOneProcessIsListedWatchedAndCancelledThroughTheOther() throws Exception {
		Path store = Files.createDirectories(this.dir.resolve("store"));
		try (ServiceProcess a = ServiceProcess.start(store, this.dir.resolve("a.log"), WORKERS);
				ServiceProcess b = ServiceProcess.start(store, this.dir.resolve("b.log"), WORKERS)) {
			String id = a.submit("""
					{"architecture": "lenet", "dataset": "mnist", "epochs": 200, "batchSize": 16,
					 "trainLimit": 1920, "testLimit": 100, "seed": 2, "modelName": "shared"}""");
			a.waitFor(id,
					j -> j.get("status").asString().equals("RUNNING") && j.get("progress").get("batch").asInt() > 0,
					Duration.ofMinutes(1));

			// the other process lists it, with progress that moves
			JsonNode listed = find(b.get("/api/v1/training-jobs"), id);
			assertThat(listed.get("status").asString()).isEqualTo("RUNNING");
			double before = b.get("/api/v1/training-jobs/" + id).get("progress").get("percent").asDouble();
			Thread.sleep(2_500);
			assertThat(b.get("/api/v1/training-jobs/" + id).get("progress").get("percent").asDouble())
				.isGreaterThan(before);

			HttpResponse<Stream<String>> stream = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(b.uri("/api/v1/training-jobs/" + id + "/events"))
					.header("Accept", "text/event-stream")
					.timeout(Duration.ofMinutes(2))
					.build(), HttpResponse.BodyHandlers.ofLines());
			assertThat(stream.statusCode()).isEqualTo(200);
			List<SseEvents.Event> events = new ArrayList<>();
			try (Stream<String> lines = stream.body()) {
				Iterator<String> it = lines.iterator();
				while (events.stream().filter(e -> e.name().equals("progress")).count() < 2) {
					SseEvents.read(it, events, events.size() + 1);
				}
				assertThat(events.get(0).name()).isEqualTo("job");

				HttpResponse<String> cancelled = b.post("/api/v1/training-jobs/" + id + "/cancel", "");
				assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(202);
				assertThat(a.waitUntilFinished(id, Duration.ofSeconds(30)).get("status").asString())
					.isEqualTo("CANCELLED");
				SseEvents.read(it, events, Integer.MAX_VALUE);
			}
			SseEvents.Event last = events.get(events.size() - 1);
			assertThat(last.name()).isEqualTo("finished");
			assertThat(last.data().get("status").asString()).isEqualTo("CANCELLED");
			assertThat(b.get("/api/v1/training-jobs/" + id).get("status").asString()).isEqualTo("CANCELLED");
			assertThat(b.post("/api/v1/training-jobs/" + id + "/cancel", "").statusCode()).isEqualTo(409);
			assertThat(b.send(HttpRequest.newBuilder(b.uri("/api/v1/training-jobs/0123456789ab"))).statusCode())
				.isEqualTo(404);
		}
	}

	private static JsonNode find(JsonNode jobs, String id) {
		for (JsonNode job : jobs) {
			if (job.get("id").asString().equals(id)) {
				return job;
			}
		}
		throw new AssertionError("job " + id + " is not listed: " + jobs);
	}

}
