package io.cnnservice.training;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.cnnservice.ServiceProcess;
import io.cnnservice.ServiceProcessTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local runner's worker processes, killed for real: a worker's crash does not take
 * the service down and the job resumes in a new worker; the service's crash does not stop
 * the worker, whose result the next service process lists.
 */
@ServiceProcessTest
class WorkerProcessTest {

	private static final String[] WORKERS = { "--cnn.training.isolation=process",
			"--cnn.training.checkpoint-interval=200ms", "--cnn.training.lease-timeout=3s" };

	private static final String JOB = """
			{"architecture": "lenet", "dataset": "mnist", "epochs": %d, "batchSize": 16, "trainLimit": 1600,
			 "testLimit": 100, "seed": 11, "modelName": "%s"}""";

	@TempDir
	Path dir;

	@Test
	void aWorkerKilledWithSigkillLeavesTheServiceUpAndItsJobResumesInANewWorker() throws Exception {
		Path store = Files.createDirectories(this.dir.resolve("store"));
		try (ServiceProcess service = ServiceProcess.start(store, this.dir.resolve("service.log"), WORKERS)) {
			String id = service.submit(JOB.formatted(12, "worker-killed"));
			service.waitFor(id, j -> j.get("history").size() >= 2, Duration.ofMinutes(2));
			long worker = workerPid(store, id);
			assertThat(worker).as("trained by another process").isNotEqualTo(service.pid());

			// its metrics are where the discovery endpoint says
			JsonNode targets = service.get("/api/v1/training-workers/prometheus-targets");
			assertThat(targets).hasSize(1);
			assertThat(targets.get(0).get("labels").get("worker_job").asString()).isEqualTo(id);
			String metrics = HttpClient.newHttpClient()
				.send(HttpRequest
					.newBuilder(URI.create("http://" + targets.get(0).get("targets").get(0).asString() + "/metrics"))
					.build(), HttpResponse.BodyHandlers.ofString())
				.body();
			assertThat(metrics).contains("job_id=\"" + id + "\"").contains("cnn_training_images_total");

			ProcessHandle.of(worker).orElseThrow().destroyForcibly();
			JsonNode done = service.waitUntilFinished(id, Duration.ofMinutes(3));
			assertThat(service.isAlive()).isTrue();
			assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
			assertThat(done.get("history")).hasSize(12);
			assertThat(done.get("recovery").get("restarts").asInt()).isEqualTo(1);
			assertThat(done.get("recovery").get("resumedFrom").get("epoch").asInt()).isGreaterThanOrEqualTo(2);
			// gone from discovery once the worker has exited
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (!service.get("/api/v1/training-workers/prometheus-targets").isEmpty()
					&& System.nanoTime() < deadline) {
				Thread.sleep(100);
			}
			assertThat(service.get("/api/v1/training-workers/prometheus-targets")).isEmpty();
		}
	}

	@Test
	void aServiceKilledWithSigkillLeavesItsWorkerTrainingAndTheNextServiceListsTheResult() throws Exception {
		Path store = Files.createDirectories(this.dir.resolve("store"));
		String id;
		long worker;
		try (ServiceProcess first = ServiceProcess.start(store, this.dir.resolve("first.log"), WORKERS)) {
			id = first.submit(JOB.formatted(8, "service-killed"));
			first.waitFor(id, j -> j.get("history").size() >= 1, Duration.ofMinutes(2));
			worker = workerPid(store, id);
			first.kill();
		}
		ProcessHandle handle = ProcessHandle.of(worker).orElseThrow();
		assertThat(handle.isAlive()).as("the worker outlives the service").isTrue();
		try (ServiceProcess second = ServiceProcess.start(store, this.dir.resolve("second.log"), WORKERS)) {
			JsonNode done = second.waitUntilFinished(id, Duration.ofMinutes(3));
			assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
			assertThat(done.get("history")).hasSize(8);
			// trained through by the one worker: never restarted
			assertThat(done.has("recovery") ? done.get("recovery").get("restarts").asInt() : 0).isZero();
			assertThat(second.log()).doesNotContain("Training job " + id + " runs in worker process");
		}
		handle.onExit().get();
	}

	/**
	 * The process that holds the job's lease, from its owner: {@code pid@host:random}.
	 */
	private static long workerPid(Path store, String id) throws Exception {
		String owner = Files.readString(store.resolve(".jobs").resolve(id + ".lease"))
			.lines()
			.findFirst()
			.orElseThrow();
		return Long.parseLong(owner.substring(0, owner.indexOf('@')));
	}

}
