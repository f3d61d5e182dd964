package io.cnnservice.training;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cnnservice.ServiceProcess;
import io.cnnservice.ServiceProcessTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Jobs outlive the process that runs them: the real service in its own JVM, killed with
 * SIGKILL mid-epoch or stopped with SIGTERM, then started again on the same store, must
 * end each job as if nothing had happened. Real images (the committed MNIST and
 * CIFAR-10), vgg-small, three epochs.
 */
@ServiceProcessTest
class DurableJobsTest {

	/** Adam, MNIST. */
	static final String ADAM = """
			{"architecture": "vgg-small", "dataset": "mnist", "epochs": 3, "batchSize": 32, "trainLimit": 960,
			 "testLimit": 200, "optimizer": "adam", "learningRate": 0.001, "lrSchedule": "cosine", "seed": 21,
			 "modelName": "%s"}""";

	/** SGD with momentum and weight decay, augmented CIFAR-10. */
	static final String SGD = """
			{"architecture": "vgg-small", "dataset": "cifar10", "epochs": 3, "batchSize": 16, "trainLimit": 480,
			 "testLimit": 200, "optimizer": "sgd", "learningRate": 0.02, "momentum": 0.9, "weightDecay": 0.0005,
			 "augment": "flip-crop-cutout", "seed": 22, "modelName": "%s"}""";

	/** The Adam job, long enough to outlast a second process's start. */
	static final String LONG_ADAM = ADAM.replace("\"epochs\": 3", "\"epochs\": 10");

	static final String[] FAST_CHECKPOINTS = { "--cnn.training.checkpoint-interval=200ms",
			"--cnn.training.lease-timeout=3s" };

	@TempDir
	Path dir;

	@Test
	void jobsKilledMidEpochResumeOnRestartAndEndAsIfNeverInterrupted() throws Exception {
		Path store = Files.createDirectories(this.dir.resolve("store"));
		Path log = this.dir.resolve("service.log");
		String adam;
		String sgd;
		try (ServiceProcess first = ServiceProcess.start(store, log, FAST_CHECKPOINTS)) {
			adam = first.submit(ADAM.formatted("adam-killed"));
			sgd = first.submit(SGD.formatted("sgd-killed"));
			first.waitFor(adam, DurableJobsTest::checkpointedMidSecondEpoch, Duration.ofMinutes(3));
			first.kill();
		}
		try (ServiceProcess second = ServiceProcess.start(store, log, FAST_CHECKPOINTS)) {
			// nobody asks: the adam job goes on, then the sgd job runs and is killed too
			second.waitFor(sgd, DurableJobsTest::checkpointedMidSecondEpoch, Duration.ofMinutes(3));
			assertThat(second.get("/api/v1/training-jobs/" + adam).get("status").asString()).isEqualTo("SUCCEEDED");
			second.kill();
		}
		try (ServiceProcess third = ServiceProcess.start(store, log, FAST_CHECKPOINTS)) {
			JsonNode adamJob = third.get("/api/v1/training-jobs/" + adam);
			JsonNode sgdJob = third.waitUntilFinished(sgd, Duration.ofMinutes(3));
			assertThat(sgdJob.get("status").asString()).isEqualTo("SUCCEEDED");
			for (JsonNode job : new JsonNode[] { adamJob, sgdJob }) {
				JsonNode recovery = job.get("recovery");
				assertThat(recovery.get("restarts").asInt()).as(job.get("id").asString()).isEqualTo(1);
				assertThat(recovery.get("resumedFrom").get("epoch").asInt()).isEqualTo(2);
				assertThat(recovery.get("resumedFrom").get("batch").asInt()).isPositive();
			}

			JsonNode adamPlain = third.waitUntilFinished(third.submit(ADAM.formatted("adam-plain")),
					Duration.ofMinutes(3));
			JsonNode sgdPlain = third.waitUntilFinished(third.submit(SGD.formatted("sgd-plain")),
					Duration.ofMinutes(3));
			assertSameTraining(adamJob, adamPlain, store);
			assertSameTraining(sgdJob, sgdPlain, store);
			String metrics = third.send(java.net.http.HttpRequest.newBuilder(third.uri("/actuator/prometheus"))).body();
			assertThat(metrics).containsPattern("cnn_training_resumes_total\\{[^}]*\\} 1.0");
		}
		// checkpoints go once a job succeeds
		try (var left = Files.list(store.resolve(".jobs"))) {
			assertThat(left.filter(Files::isDirectory)).isEmpty();
		}
	}

	@Test
	void aSecondProcessLeavesARunningJobAloneAndResumesItWhenTheFirstDrainsOnSigterm() throws Exception {
		Path store = Files.createDirectories(this.dir.resolve("store"));
		Path record = store.resolve(".jobs");
		try (ServiceProcess first = ServiceProcess.start(store, this.dir.resolve("first.log"), FAST_CHECKPOINTS)) {
			String id = first.submit(LONG_ADAM.formatted("adam-drained"));
			first.waitFor(id, j -> j.get("status").asString().equals("RUNNING"), Duration.ofMinutes(1));
			try (ServiceProcess second = ServiceProcess.start(store, this.dir.resolve("second.log"),
					FAST_CHECKPOINTS)) {
				// a lease lasts 3 s here and is renewed every second: long past that, the
				// second process still leaves the job to the first, which goes on
				int batchBefore = first.get("/api/v1/training-jobs/" + id).get("progress").get("batch").asInt();
				Thread.sleep(4_000);
				JsonNode there = first.get("/api/v1/training-jobs/" + id);
				assertThat(there.get("status").asString()).isEqualTo("RUNNING");
				assertThat(
						there.get("progress").get("epoch").asInt() * 1000 + there.get("progress").get("batch").asInt())
					.isGreaterThan(1000 + batchBefore);
				assertThat(second.get("/api/v1/training-jobs/" + id).get("status").asString()).isEqualTo("RUNNING");
				assertThat(Files.readString(record.resolve(id + ".json"))).contains("\"RUNNING\"");
				assertThat(second.log()).doesNotContain("Training job " + id + " started");

				first.waitFor(id, DurableJobsTest::checkpointedMidEpoch, Duration.ofMinutes(3));
				int exit = first.terminate(Duration.ofSeconds(60));
				assertThat(exit).as("exit code after SIGTERM").isIn(0, 143);
				Matcher drained = Pattern
					.compile("Drained training in \\d+ ms: checkpointed " + id + " at epoch (\\d+), batch (\\d+)")
					.matcher(first.log());
				assertThat(drained.find()).as("the drain's log line").isTrue();

				JsonNode resumed = second.waitUntilFinished(id, Duration.ofMinutes(3));
				assertThat(resumed.get("status").asString()).isEqualTo("SUCCEEDED");
				assertThat(resumed.get("recovery").get("restarts").asInt()).isEqualTo(1);
				// from the very checkpoint the drain wrote
				assertThat(resumed.get("recovery").get("resumedFrom").get("epoch").asInt())
					.isEqualTo(Integer.parseInt(drained.group(1)));
				assertThat(resumed.get("recovery").get("resumedFrom").get("batch").asInt())
					.isEqualTo(Integer.parseInt(drained.group(2)));
				JsonNode plain = second.waitUntilFinished(second.submit(LONG_ADAM.formatted("adam-undrained")),
						Duration.ofMinutes(3));
				assertSameTraining(resumed, plain, store);
			}
		}
	}

	/** Running past its first epoch, with a checkpoint inside the current epoch. */
	static boolean checkpointedMidEpoch(JsonNode job) {
		JsonNode checkpoint = job.path("recovery").path("checkpoint");
		int epoch = job.get("progress").get("epoch").asInt();
		return job.get("status").asString().equals("RUNNING") && epoch >= 2 && checkpoint.path("epoch").asInt() == epoch
				&& checkpoint.path("batch").asInt() > 0;
	}

	/** Running in epoch 2, with a checkpoint inside epoch 2 already written. */
	static boolean checkpointedMidSecondEpoch(JsonNode job) {
		JsonNode checkpoint = job.path("recovery").path("checkpoint");
		return job.get("status").asString().equals("RUNNING") && checkpoint.path("epoch").asInt() == 2
				&& checkpoint.path("batch").asInt() > 0;
	}

	/**
	 * Every epoch's train loss, train accuracy and test accuracy equal to 1e-6, and the
	 * saved parameters identical.
	 */
	static void assertSameTraining(JsonNode resumed, JsonNode plain, Path store) throws Exception {
		assertThat(plain.get("status").asString()).isEqualTo("SUCCEEDED");
		JsonNode a = resumed.get("history");
		JsonNode b = plain.get("history");
		assertThat(a).hasSize(b.size());
		for (int e = 0; e < b.size(); e++) {
			for (String field : new String[] { "trainLoss", "trainAccuracy", "testAccuracy" }) {
				assertThat(a.get(e).get(field).asDouble()).as("epoch %d %s", e + 1, field)
					.isCloseTo(b.get(e).get(field).asDouble(), within(1e-6));
			}
		}
		assertThat(parameters(store, resumed)).as("the saved parameters").isEqualTo(parameters(store, plain));
	}

	static String parameters(Path store, JsonNode job) throws Exception {
		Path version = store.resolve(job.get("modelName").asString()).resolve(job.get("modelVersion").asString());
		try (var files = Files.list(version)) {
			Path params = files.filter(p -> p.toString().endsWith(".params")).findFirst().orElseThrow();
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(params)));
		}
	}

}
