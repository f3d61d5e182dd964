package io.cnnservice.training;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import io.cnnservice.TestDatasets;
import io.cnnservice.TestStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Whole jobs through the HTTP API, on the real engine and real MNIST, a few batches each.
 */
@SpringBootTest
@AutoConfigureMockMvc
@TestStore
class TrainingJobIntegrationTest {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		// relative and through "../", as a user may write it: binding must accept that
		registry.add("cnn.datasets.root", () -> {
			Path here = Path.of("").toAbsolutePath();
			return Path.of("..").resolve(here.getFileName()).resolve(here.relativize(TestDatasets.root())).toString();
		});
		registry.add("cnn.datasets.download", () -> "false");
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
	void trainsLenetOnMnistAndRegistersAVersionWithItsMetadata() throws Exception {
		var submitted = this.mvc.post().uri("/api/v1/training-jobs").contentType("application/json").content("""
				{"architecture": "lenet", "dataset": "mnist", "trainLimit": 512, "testLimit": 500,
				 "seed": 7, "modelName": "it-lenet"}""").exchange();
		assertThat(submitted).hasStatus(HttpStatus.ACCEPTED);
		String location = submitted.getResponse().getHeader("Location");
		JsonNode accepted = this.json.readTree(submitted.getResponse().getContentAsString());
		assertThat(location).endsWith("/api/v1/training-jobs/" + accepted.get("id").asString());
		assertThat(accepted.get("request").get("optimizer").asString()).isEqualTo("adam");
		assertThat(accepted.get("request").get("batchSize").asInt()).isEqualTo(64);

		JsonNode job = this.jobs.waitUntilFinished(accepted.get("id").asString());

		assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(job.get("progress").get("batches").asInt()).isEqualTo(8);
		assertThat(job.get("progress").get("percent").asDouble()).isEqualTo(100.0);
		JsonNode epoch = job.get("history").get(0);
		// eight batches are enough to beat chance (10%) clearly
		assertThat(epoch.get("testAccuracy").asDouble()).isBetween(0.2, 1.0);
		assertThat(epoch.get("imagesPerSecond").asDouble()).isPositive();
		// at least half the batches take as long as the median, so it is at most twice
		// the mean batch time
		double meanBatch = epoch.get("seconds").asDouble() * 1000 / job.get("progress").get("batches").asInt();
		assertThat(epoch.get("medianBatchMillis").asDouble()).isPositive().isLessThanOrEqualTo(2 * meanBatch);
		assertThat(job.get("modelVersion").asInt()).isEqualTo(1);

		JsonNode model = this.jobs.get("/api/v1/models/it-lenet/versions/1");
		assertThat(model.get("architecture").asString()).isEqualTo("lenet");
		assertThat(model.get("trainableParameters").asLong()).isEqualTo(61_706);
		assertThat(model.get("classes")).hasSize(10);
		assertThat(model.get("preprocessing").get("background").asString()).isEqualTo("dark");
		assertThat(model.get("metrics").get("testAccuracy").asDouble()).isEqualTo(epoch.get("testAccuracy").asDouble());
		Path params = this.store.resolve("it-lenet/1").resolve(model.get("parametersFile").asString());
		assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(params))))
			.isEqualTo(model.get("parametersSha256").asString());
		try (var entries = Files.list(this.store.resolve("it-lenet"))) {
			assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("1");
		}

		assertThat(this.mvc.get().uri("/api/v1/models/it-lenet")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.latestVersion")
			.isEqualTo(1);
		assertThat(this.mvc.delete().uri("/api/v1/models/it-lenet/versions/1")).hasStatus(HttpStatus.NO_CONTENT);
		assertThat(this.mvc.get().uri("/api/v1/models/it-lenet/versions/1")).hasStatus(HttpStatus.NOT_FOUND)
			.hasContentType("application/problem+json");
		assertThat(this.store.resolve("it-lenet")).doesNotExist();
	}

	@Test
	void theSameSeedGivesTheSameHistoryAndAnotherSeedDoesNot() throws Exception {
		String request = """
				{"architecture": "seed-cnn", "dataset": "mnist", "trainLimit": 640, "testLimit": 300, "optimizer": "sgd",
				 "learningRate": 0.01, "momentum": 0.5, "seed": %d, "modelName": "it-seed"}""";
		JsonNode first = this.jobs.waitUntilFinished(this.jobs.submit(request.formatted(11)).get("id").asString());
		JsonNode second = this.jobs.waitUntilFinished(this.jobs.submit(request.formatted(11)).get("id").asString());
		JsonNode other = this.jobs.waitUntilFinished(this.jobs.submit(request.formatted(12)).get("id").asString());

		assertThat(first.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(metrics(second)).isEqualTo(metrics(first));
		assertThat(metrics(other)).isNotEqualTo(metrics(first));
		assertThat(second.get("modelVersion").asInt()).isEqualTo(first.get("modelVersion").asInt() + 1);
	}

	@Test
	void evaluateEverySkipsTestEvaluationsInBetweenWithoutChangingWhatIsLearned() throws Exception {
		String request = """
				{"architecture": "seed-fc", "dataset": "mnist", "epochs": 5, "trainLimit": 320, "testLimit": 300,
				 "seed": 8, "evaluateEvery": %d, "modelName": "it-eval-%d"}""";
		JsonNode sparse = this.jobs.waitUntilFinished(this.jobs.submit(request.formatted(2, 2)).get("id").asString());
		JsonNode every = this.jobs.waitUntilFinished(this.jobs.submit(request.formatted(1, 1)).get("id").asString());

		assertThat(sparse.get("status").asString()).isEqualTo("SUCCEEDED");
		JsonNode history = sparse.get("history");
		assertThat(history).hasSize(5);
		// epochs 2 and 4 by the interval, 5 because it is the last
		assertThat(StreamSupport.stream(history.spliterator(), false)
			.filter((e) -> e.has("testAccuracy"))
			.map((e) -> e.get("epoch").asInt())).containsExactly(2, 4, 5);
		assertThat(history.get(0).has("testLoss")).isFalse();
		for (int i = 0; i < 5; i++) {
			JsonNode e = history.get(i);
			JsonNode reference = every.get("history").get(i);
			assertThat(e.get("trainLoss").asDouble()).isEqualTo(reference.get("trainLoss").asDouble());
			if (e.has("testAccuracy")) {
				assertThat(e.get("testAccuracy").asDouble()).isEqualTo(reference.get("testAccuracy").asDouble());
			}
		}
		assertThat(this.jobs.get("/api/v1/models/it-eval-2/versions/1").get("metrics").get("testAccuracy").asDouble())
			.isEqualTo(history.get(4).get("testAccuracy").asDouble());
	}

	@Test
	void permutedPixelsAreRecordedForServingAndChangeWhatTheNetworkSees() throws Exception {
		String request = """
				{"architecture": "seed-fc", "dataset": "mnist", "trainLimit": 640, "testLimit": 300, "seed": 5,
				 "permutePixels": %b, "modelName": "it-perm-%b"}""";
		JsonNode plain = this.jobs
			.waitUntilFinished(this.jobs.submit(request.formatted(false, false)).get("id").asString());
		JsonNode permuted = this.jobs
			.waitUntilFinished(this.jobs.submit(request.formatted(true, true)).get("id").asString());
		JsonNode again = this.jobs
			.waitUntilFinished(this.jobs.submit(request.formatted(true, true)).get("id").asString());

		assertThat(metrics(permuted)).isNotEqualTo(metrics(plain));
		assertThat(metrics(again)).isEqualTo(metrics(permuted));
		JsonNode model = this.jobs.get("/api/v1/models/it-perm-true/versions/1");
		int[] permutation = StreamSupport
			.stream(model.get("preprocessing").get("pixelPermutation").spliterator(), false)
			.mapToInt(JsonNode::asInt)
			.sorted()
			.toArray();
		assertThat(permutation).isEqualTo(IntStream.range(0, 784).toArray());
		assertThat(
				this.jobs.get("/api/v1/models/it-perm-false/versions/1").get("preprocessing").has("pixelPermutation"))
			.isFalse();
	}

	@Test
	void aJobWhoseLossBecomesNaNFailsEarlyNamingTheLearningRateAndSavesNothing() throws Exception {
		// weight decay 1 at learning rate 10 multiplies every weight by -9 per step, so
		// the logits overflow within a few progress reads (20 batches each)
		JsonNode job = this.jobs.waitUntilFinished(this.jobs.submit("""
				{"architecture": "seed-fc", "dataset": "mnist", "epochs": 20, "trainLimit": 1280, "testLimit": 100,
				 "optimizer": "sgd", "learningRate": 10, "momentum": 0, "weightDecay": 1, "seed": 1,
				 "modelName": "it-diverged"}""").get("id").asString());

		assertThat(job.get("status").asString()).isEqualTo("FAILED");
		assertThat(job.get("error").asString()).contains("diverged").contains("learningRate");
		assertThat(job.get("history").size()).isLessThan(5);
		assertThat(this.mvc.get().uri("/api/v1/models/it-diverged")).hasStatus(HttpStatus.NOT_FOUND);
	}

	@Test
	void cancellingARunningJobStopsItWithoutRegisteringAModel() throws Exception {
		String id = this.jobs.submit("""
				{"architecture": "lenet", "dataset": "mnist", "epochs": 200, "trainLimit": 6400, "testLimit": 100,
				 "modelName": "it-cancelled"}""").get("id").asString();
		this.jobs.waitFor(id,
				j -> j.get("status").asString().equals("RUNNING") && j.get("progress").get("batch").asInt() > 0,
				Duration.ofMinutes(2));

		assertThat(this.mvc.post().uri("/api/v1/training-jobs/" + id + "/cancel")).hasStatus(HttpStatus.ACCEPTED);
		JsonNode job = this.jobs.waitUntilFinished(id);

		assertThat(job.get("status").asString()).isEqualTo("CANCELLED");
		assertThat(job.get("progress").get("epoch").asInt()).isLessThan(200);
		assertThat(this.mvc.get().uri("/api/v1/models/it-cancelled")).hasStatus(HttpStatus.NOT_FOUND);
		assertThat(this.mvc.post().uri("/api/v1/training-jobs/" + id + "/cancel")).hasStatus(HttpStatus.CONFLICT)
			.hasContentType("application/problem+json");
		// the record on disk says the same, for the next start
		Path record = this.store.resolve(".jobs").resolve(id + ".json");
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!Files.readString(record).contains("\"CANCELLED\"") && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(Files.readString(record)).contains("\"CANCELLED\"");
	}

	@Test
	void trainFiguresAreMeansOverEveryImageIncludingAShortLastBatch() throws Exception {
		// A learning rate of 1e-9 leaves the random network as it was, so the epoch's
		// running train loss and accuracy must match what evaluation measures on
		// images of the same distribution. 100 images at batch 64 end with a batch of
		// 36: weighting it like a full batch would report a loss about 28% too high.
		JsonNode job = this.jobs.waitUntilFinished(this.jobs.submit("""
				{"architecture": "seed-fc", "dataset": "mnist", "trainLimit": 100, "testLimit": 2000,
				 "optimizer": "sgd", "learningRate": 1e-9, "momentum": 0, "seed": 3, "modelName": "it-means"}""")
			.get("id")
			.asString());
		assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
		JsonNode epoch = job.get("history").get(0);
		assertThat(epoch.get("trainLoss").asDouble()).isCloseTo(epoch.get("testLoss").asDouble(), within(0.08));
		assertThat(epoch.get("trainAccuracy").asDouble()).isCloseTo(epoch.get("testAccuracy").asDouble(), within(0.12));
		assertThat(job.get("progress").get("runningLoss").asDouble()).isEqualTo(epoch.get("trainLoss").asDouble());
	}

	@Test
	void listsTheRealDatasetsWithTheirShapes() throws Exception {
		JsonNode datasets = this.jobs.get("/api/v1/datasets");
		assertThat(datasets.findValuesAsString("name")).contains("mnist", "fashion-mnist", "cifar10");
		JsonNode mnist = this.jobs.get("/api/v1/datasets/mnist");
		assertThat(mnist.get("trainSize").asInt()).isEqualTo(TestDatasets.IDX_TRAIN);
		assertThat(mnist.get("state").asString()).isEqualTo("ready");
		assertThat(mnist.get("ready").asBoolean()).isTrue();
		JsonNode fashion = this.jobs.get("/api/v1/datasets/fashion-mnist");
		assertThat(fashion.get("classes").get(9).asString()).isEqualTo("Ankle boot");
		assertThat(fashion.get("testSize").asInt()).isEqualTo(TestDatasets.IDX_TEST);
		JsonNode cifar = this.jobs.get("/api/v1/datasets/cifar10");
		assertThat(cifar.get("format").asString()).isEqualTo("image-folders-archive");
		assertThat(cifar.get("inputShape").toString()).isEqualTo("[3,32,32]");
		assertThat(cifar.get("testSize").asInt()).isEqualTo(TestDatasets.CIFAR_TEST);
		// a dataset that is there needs no download
		assertThat(this.mvc.post().uri("/api/v1/datasets/mnist/download")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.state")
			.isEqualTo("ready");
	}

	@Test
	void describesArchitecturesWithTheirLayerTables() throws Exception {
		assertThat(this.jobs.get("/api/v1/architectures").findValuesAsString("name")).containsExactly("seed-fc", "mlp",
				"seed-cnn", "lenet", "vgg-small", "resnet", "resnet9");
		JsonNode table = this.jobs.get("/api/v1/architectures/vgg-small?dataset=cifar10");
		assertThat(table.get("trainableParameters").asLong()).isEqualTo(1_573_386);
		assertThat(this.mvc.get().uri("/api/v1/architectures/alexnet")).hasStatus(HttpStatus.NOT_FOUND)
			.hasContentType("application/problem+json");
		assertThat(this.mvc.get().uri("/api/v1/architectures/lenet?dataset=nope")).hasStatus(HttpStatus.NOT_FOUND);
		assertThat(this.mvc.get().uri("/api/v1/architectures/resnet9?dataset=cifar10&width=2"))
			.hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType("application/problem+json")
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("width");
	}

	@Test
	void refusesTestTimeViewsOnPermutedPixelsNamingTheField() {
		for (String view : List.of("\"testTimeFlip\": true", "\"testTimeShift\": 2")) {
			assertThat(this.mvc.post().uri("/api/v1/training-jobs").contentType("application/json").content("""
					{"architecture": "seed-cnn", "dataset": "mnist", "permutePixels": true, %s,
					 "trainLimit": 64, "modelName": "it-never"}""".formatted(view))).hasStatus(HttpStatus.BAD_REQUEST)
				.hasContentType("application/problem+json")
				.bodyJson()
				.extractingPath("$.errors[0].field")
				.isEqualTo(view.substring(1, view.indexOf('"', 1)));
		}
		assertThat(this.mvc.get().uri("/api/v1/models/it-never")).hasStatus(HttpStatus.NOT_FOUND);
	}

	@Test
	void testTimeShiftsChangeOnlyTheEvaluationAndAreRecordedForServing() throws Exception {
		String request = """
				{"architecture": "seed-cnn", "dataset": "mnist", "trainLimit": 320, "testLimit": 300, "seed": 4,
				 "testTimeShift": %d, "modelName": "it-shift-%d"}""";
		JsonNode shifted = this.jobs.waitUntilFinished(this.jobs.submit(request.formatted(2, 2)).get("id").asString());
		JsonNode plain = this.jobs.waitUntilFinished(this.jobs.submit(request.formatted(0, 0)).get("id").asString());

		assertThat(shifted.get("status").asString()).isEqualTo("SUCCEEDED");
		JsonNode s = shifted.get("history").get(0);
		JsonNode p = plain.get("history").get(0);
		assertThat(s.get("trainLoss").asDouble()).isEqualTo(p.get("trainLoss").asDouble());
		assertThat(s.get("testLoss").asDouble()).isNotEqualTo(p.get("testLoss").asDouble());
		assertThat(
				this.jobs.get("/api/v1/models/it-shift-2/versions/1").get("preprocessing").get("testTimeShift").asInt())
			.isEqualTo(2);
		assertThat(this.jobs.get("/api/v1/models/it-shift-0/versions/1").get("preprocessing").has("testTimeShift"))
			.isFalse();
	}

	@Test
	void reportsTheEngineAndDevice() throws Exception {
		JsonNode system = this.jobs.get("/api/v1/system");
		assertThat(system.get("engine").asString()).isEqualTo("PyTorch");
		assertThat(system.get("engineVersion").asString()).isEqualTo("2.7.1");
		assertThat(system.get("device").asString()).isEqualTo("cpu()");
		assertThat(system.get("offline").asBoolean()).isTrue();
		assertThat(system.get("allocator").asString()).startsWith("glibc 2.").endsWith("(heap kept between steps)");
	}

	@Test
	void servesTheOpenApiDocumentAndSwaggerUi() throws Exception {
		JsonNode api = this.jobs.get("/v3/api-docs");
		assertThat(api.get("paths").has("/api/v1/training-jobs")).isTrue();
		assertThat(api.get("paths").has("/api/v1/models/{name}/versions/{version}")).isTrue();
		assertThat(api.get("components").get("schemas").has("TrainingRequest")).isTrue();
		// the event stream is documented as the text a client reads, not as the emitter
		JsonNode stream = api.get("paths").get("/api/v1/training-jobs/{id}/events").get("get").get("responses");
		assertThat(stream.get("200").get("content").has("text/event-stream")).isTrue();
		assertThat(api.get("components").get("schemas").has("SseEmitter")).isFalse();
		assertThat(this.mvc.get().uri("/swagger-ui.html")).hasStatus3xxRedirection();
	}

	private static String metrics(JsonNode job) {
		JsonNode e = job.get("history").get(0);
		return e.get("trainLoss").asString() + "/" + e.get("trainAccuracy").asString() + "/"
				+ e.get("testLoss").asString() + "/" + e.get("testAccuracy").asString();
	}

}
