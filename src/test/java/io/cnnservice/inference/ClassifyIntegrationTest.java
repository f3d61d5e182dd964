package io.cnnservice.inference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.zip.CRC32;

import io.cnnservice.TestDatasets;
import io.cnnservice.TestStore;
import io.cnnservice.datasets.DatasetCatalog;
import io.cnnservice.datasets.formats.ImageSet;
import io.cnnservice.models.ModelMetadata;
import io.cnnservice.training.JobPolling;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The shipped models, served over HTTP to real uploads made from the committed MNIST and
 * CIFAR-10 test images.
 */
@SpringBootTest(properties = { "cnn.inference.max-file-size=2MB", "cnn.inference.max-pixels=4000000" })
@AutoConfigureMockMvc
@TestStore(TestStore.Contents.SHIPPED)
class ClassifyIntegrationTest {

	static ImageSet digits;

	@BeforeAll
	static void readDigits(@Autowired DatasetCatalog datasets) {
		digits = datasets.load("mnist").test();
	}

	/** The model store the service runs on. */
	@Value("${cnn.model-store.root}")
	Path store;

	@Autowired
	MockMvcTester mvc;

	@Autowired
	JsonMapper json;

	@Autowired
	ModelServing serving;

	private MvcTestResult classify(String query, MockMultipartFile... files) {
		var request = this.mvc.post().uri("/api/v1/models/lenet-mnist/classify" + query).multipart();
		for (MockMultipartFile f : files) {
			request = request.file(f);
		}
		return request.exchange();
	}

	private JsonNode body(MvcTestResult result) throws Exception {
		return this.json.readTree(result.getResponse().getContentAsString());
	}

	@Test
	void theDefaultModelReadsEveryKindOfUploadAtLeast95PercentRight() {
		// test digits the model never saw, spread over the split
		int n = 100;
		int stride = digits.count() / n;
		Map<UploadVariants, Integer> correct = new EnumMap<>(UploadVariants.class);
		for (UploadVariants variant : UploadVariants.values()) {
			List<Upload> uploads = new ArrayList<>();
			for (int k = 0; k < n; k++) {
				uploads.add(new Upload(variant + "-" + k, variant.render(digits, k * stride, 1)));
			}
			correct.put(variant, rightAtTopOne("lenet-mnist", null, uploads, true,
					(k) -> Integer.toString(digits.labels()[k * stride])));
		}
		System.out.println("default model accuracy per upload variant (of " + n + "): " + correct);
		assertThat(correct)
			.allSatisfy((variant, ok) -> assertThat(ok / (double) n).as(variant.name()).isGreaterThanOrEqualTo(0.95));
	}

	@Test
	void theShippedCifarModelNamesNineInTenTestPhotosRight(@Autowired DatasetCatalog datasets) throws IOException {
		// every committed test photo, uploaded as a lossless PNG of the dataset's pixels;
		// the model reported 90.30% on all 10,000
		var cifar = datasets.load("cifar10");
		ImageSet photos = cifar.test();
		int n = photos.count();
		int stride = 1;
		List<Upload> uploads = new ArrayList<>();
		for (int k = 0; k < n; k++) {
			uploads.add(new Upload("photo-" + k + ".png",
					UploadVariants.encode(TestDatasets.image(photos, k * stride), "png")));
		}
		int ok = rightAtTopOne("resnet9-cifar10", 1, uploads, true,
				(k) -> cifar.classes().get(photos.labels()[k * stride]));
		// its ten views (flips and 2-pixel shifts) switched off: one pass per photo
		int alone = rightAtTopOne("resnet9-cifar10", 1, uploads, false,
				(k) -> cifar.classes().get(photos.labels()[k * stride]));
		System.out.println("shipped CIFAR-10 model: " + ok + " of " + n + " test photos right with its views, " + alone
				+ " without");
		assertThat(ok / (double) n).isGreaterThanOrEqualTo(0.85);
		assertThat(alone / (double) n).isGreaterThanOrEqualTo(0.80);
	}

	/**
	 * Uploads whose top label is right, classified 50 at a time.
	 * @param version the model's version, or null for its latest
	 * @param testTimeViews whether to score under the model's test-time views
	 * @param truth the right label of the k-th upload
	 */
	private int rightAtTopOne(String model, Integer version, List<Upload> uploads, boolean testTimeViews,
			IntFunction<String> truth) {
		int ok = 0;
		for (int from = 0; from < uploads.size(); from += 50) {
			ClassificationResult result = this.serving.classify(model, version,
					uploads.subList(from, Math.min(uploads.size(), from + 50)),
					new ModelServing.ClassifyOptions(1, testTimeViews, false));
			for (int k = 0; k < result.results().size(); k++) {
				if (result.results().get(k).predictions().get(0).label().equals(truth.apply(from + k))) {
					ok++;
				}
			}
		}
		return ok;
	}

	private static MockMultipartFile file(String name, byte[] bytes) {
		return new MockMultipartFile("file", name, "application/octet-stream", bytes);
	}

	private static byte[] png(int digit) {
		return UploadVariants.PLAIN_PNG.render(digits, digit, 1);
	}

	@Test
	void classifiesOneUploadWithTopKAndProbabilitiesThatSumToOne() throws Exception {
		MvcTestResult result = classify("?topK=10", file("seven.png", png(0)));
		assertThat(result).hasStatusOk();
		JsonNode body = body(result);
		assertThat(body.get("model").asString()).isEqualTo("lenet-mnist");
		assertThat(body.get("version").asInt()).isEqualTo(1);
		JsonNode first = body.get("results").get(0);
		assertThat(first.get("file").asString()).isEqualTo("seven.png");
		assertThat(first.get("predictions")).hasSize(10);
		assertThat(first.get("predictions").get(0).get("label").asString()).isEqualTo("7");
		double sum = 0;
		for (JsonNode p : first.get("predictions")) {
			sum += p.get("probability").asDouble();
		}
		assertThat(sum).isCloseTo(1.0, within(1e-4));
		assertThat(body.get("totalMillis").asDouble()).isPositive();
	}

	@Test
	void classifiesSeveralFilesInUploadOrderWithTheDefaultTopThree() throws Exception {
		MvcTestResult result = classify("", file("a.png", png(1)),
				file("b.bmp", UploadVariants.BMP.render(digits, 2, 1)),
				file("c.jpg", UploadVariants.SCAN_JPEG.render(digits, 3, 1)));
		assertThat(result).hasStatusOk();
		JsonNode results = body(result).get("results");
		assertThat(results.findValuesAsString("file")).containsExactly("a.png", "b.bmp", "c.jpg");
		for (int i = 0; i < 3; i++) {
			assertThat(results.get(i).get("predictions")).hasSize(3);
			assertThat(results.get(i).get("predictions").get(0).get("label").asString())
				.isEqualTo(Integer.toString(digits.labels()[i + 1]));
		}
	}

	@Test
	void badUploadsGetProblemDetailsNamingTheFile() throws Exception {
		byte[] good = png(0);
		byte[] jpeg = UploadVariants.SCAN_JPEG.render(digits, 0, 1);
		assertProblem(classify("", file("notes.txt", "just text".getBytes(StandardCharsets.UTF_8))),
				HttpStatus.UNSUPPORTED_MEDIA_TYPE, "notes.txt");
		assertProblem(classify("", file("half.png", java.util.Arrays.copyOf(good, good.length / 2))),
				HttpStatus.BAD_REQUEST, "half.png");
		assertProblem(classify("", file("cut.jpg", java.util.Arrays.copyOf(jpeg, jpeg.length / 2))),
				HttpStatus.BAD_REQUEST, "cut.jpg");
		assertProblem(classify("", file("empty.png", new byte[0])), HttpStatus.BAD_REQUEST, "empty.png");
		assertProblem(classify("", file("huge.png", new byte[3 * 1024 * 1024])), HttpStatus.PAYLOAD_TOO_LARGE,
				"huge.png");
		assertProblem(classify("", file("bomb.png", pngHeaderOnly(30_000, 30_000))), HttpStatus.PAYLOAD_TOO_LARGE,
				"bomb.png");
		// a good file next to a bad one: the whole request is refused, naming the bad one
		assertProblem(classify("", file("ok.png", good), file("bad.gif", "GIF89a".getBytes(StandardCharsets.UTF_8))),
				HttpStatus.BAD_REQUEST, "bad.gif");
	}

	private void assertProblem(MvcTestResult result, HttpStatus status, String fileName) throws Exception {
		assertThat(result).hasStatus(status).hasContentType("application/problem+json");
		assertThat(body(result).get("detail").asString()).contains(fileName);
	}

	/** A valid PNG signature and header announcing a huge image, with no pixel data. */
	private static byte[] pngHeaderOnly(int width, int height) {
		java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(17);
		ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height);
		ihdr.put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
		CRC32 crc = new CRC32();
		crc.update(ihdr.array());
		java.nio.ByteBuffer png = java.nio.ByteBuffer.allocate(8 + 4 + 17 + 4);
		png.put(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' });
		png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
		return png.array();
	}

	@Test
	void badParametersAndUnknownModelsAreProblems() throws Exception {
		assertThat(classify("?topK=0", file("a.png", png(0)))).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("topK");
		assertThat(classify("?topK=11", file("a.png", png(0)))).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(classify("?version=9", file("a.png", png(0)))).hasStatus(HttpStatus.NOT_FOUND)
			.hasContentType("application/problem+json");
		assertThat(this.mvc.post().uri("/api/v1/models/nope/classify").multipart().file(file("a.png", png(0))))
			.hasStatus(HttpStatus.NOT_FOUND);
		assertThat(this.mvc.post()
			.uri("/api/v1/models/lenet-mnist/classify")
			.multipart()
			.file(new MockMultipartFile("image", "a.png", "image/png", png(0)))).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("file");
	}

	@Test
	void sixteenThreadsGetTheSameAnswersAsOne() throws Exception {
		int perThread = 12;
		ExecutorService pool = Executors.newFixedThreadPool(16);
		try {
			List<Callable<List<String>>> tasks = new ArrayList<>();
			for (int t = 0; t < 16; t++) {
				int offset = 400 + t * perThread;
				tasks.add(() -> {
					List<String> labels = new ArrayList<>();
					for (int k = 0; k < perThread; k++) {
						MvcTestResult r = classify("", file("d.png", png(offset + k)));
						assertThat(r).hasStatusOk();
						labels.add(body(r).get("results").get(0).get("predictions").get(0).get("label").asString());
					}
					return labels;
				});
			}
			int right = 0;
			List<Future<List<String>>> futures = pool.invokeAll(tasks);
			for (int t = 0; t < 16; t++) {
				List<String> labels = futures.get(t).get();
				for (int k = 0; k < perThread; k++) {
					int index = 400 + t * perThread + k;
					String alone = this.serving
						.classify("lenet-mnist", null, List.of(new Upload("d.png", png(index))),
								new ModelServing.ClassifyOptions(1, true, false))
						.results()
						.get(0)
						.predictions()
						.get(0)
						.label();
					assertThat(labels.get(k)).isEqualTo(alone);
					right += alone.equals(Integer.toString(digits.labels()[index])) ? 1 : 0;
				}
			}
			assertThat(right).isGreaterThanOrEqualTo(16 * perThread * 95 / 100);
		}
		finally {
			pool.shutdown();
		}
	}

	@Test
	void aNewVersionIsServedAtOnceAndADeletedOneIsGone() throws Exception {
		Path v1 = this.store.resolve("lenet-mnist/1");
		Path v2 = this.store.resolve("lenet-mnist/2");
		FileSystemUtils.copyRecursively(v1, v2);
		Files.writeString(v2.resolve("model.json"),
				Files.readString(v1.resolve("model.json")).replace("\"version\" : 1", "\"version\" : 2"));
		try {
			assertThat(body(classify("", file("a.png", png(0)))).get("version").asInt()).isEqualTo(2);
			assertThat(body(classify("?version=1", file("a.png", png(0)))).get("version").asInt()).isEqualTo(1);
		}
		finally {
			assertThat(this.mvc.delete().uri("/api/v1/models/lenet-mnist/versions/2")).hasStatus(HttpStatus.NO_CONTENT);
		}
		assertThat(body(classify("", file("a.png", png(0)))).get("version").asInt()).isEqualTo(1);
		assertThat(classify("?version=2", file("a.png", png(0)))).hasStatus(HttpStatus.NOT_FOUND);
	}

	@Test
	void speaksTheOpenInferenceProtocol() throws Exception {
		assertThat(this.mvc.get().uri("/v2/health/live")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.live")
			.isEqualTo(true);
		assertThat(this.mvc.get().uri("/v2/health/ready")).hasStatusOk();
		JsonNode meta = this.json
			.readTree(this.mvc.get().uri("/v2/models/lenet-mnist").exchange().getResponse().getContentAsString());
		assertThat(meta.get("inputs").get(0).get("shape").toString()).isEqualTo("[-1,1,28,28]");
		assertThat(meta.get("outputs").get(0).get("shape").toString()).isEqualTo("[-1,10]");
		assertThat(meta.get("versions").toString()).isEqualTo("[\"1\"]");
		assertThat(this.mvc.get().uri("/v2/models/lenet-mnist/ready")).hasStatusOk();

		// two digits prepared the way the model was trained: (pixel / 255 - mean) / std
		float mean = 0.13066047f;
		float std = 0.3081078f;
		StringBuilder data = new StringBuilder();
		for (int i = 0; i < 2 * 784; i++) {
			data.append(i == 0 ? "" : ",").append(((digits.pixels()[i] & 0xFF) / 255f - mean) / std);
		}
		String request = "{\"id\": \"r1\", \"inputs\": [{\"name\": \"input\", \"shape\": [2, 1, 28, 28], \"datatype\": \"FP32\", \"data\": ["
				+ data + "]}]}";
		MvcTestResult result = this.mvc.post()
			.uri("/v2/models/lenet-mnist/versions/1/infer")
			.contentType("application/json")
			.content(request)
			.exchange();
		assertThat(result).hasStatusOk();
		JsonNode out = body(result);
		assertThat(out.get("id").asString()).isEqualTo("r1");
		assertThat(out.get("model_version").asString()).isEqualTo("1");
		JsonNode tensor = out.get("outputs").get(0);
		assertThat(tensor.get("shape").toString()).isEqualTo("[2,10]");
		for (int row = 0; row < 2; row++) {
			int best = 0;
			double sum = 0;
			for (int c = 0; c < 10; c++) {
				double p = tensor.get("data").get(row * 10 + c).asDouble();
				sum += p;
				best = (p > tensor.get("data").get(row * 10 + best).asDouble()) ? c : best;
			}
			assertThat(sum).isCloseTo(1.0, within(1e-4));
			assertThat(best).isEqualTo(digits.labels()[row]);
		}
		assertThat(tensor.has("parameters")).isFalse();
		// an input may carry the protocol's optional parameters object, empty, and gets
		// the same answer; a parameter in it is refused by name, binary data above all,
		// since its bytes would follow the JSON unread
		String withParameters = request.replace("\"datatype\": \"FP32\",",
				"\"datatype\": \"FP32\", \"parameters\": %s,");
		MvcTestResult emptyParameters = this.mvc.post()
			.uri("/v2/models/lenet-mnist/versions/1/infer")
			.contentType("application/json")
			.content(withParameters.formatted("{}"))
			.exchange();
		assertThat(emptyParameters).hasStatusOk();
		assertThat(body(emptyParameters).get("outputs").get(0).get("data")).isEqualTo(tensor.get("data"));
		MvcTestResult binary = this.mvc.post()
			.uri("/v2/models/lenet-mnist/versions/1/infer")
			.contentType("application/json")
			.content(withParameters.formatted("{\"binary_data_size\": 6272}"))
			.exchange();
		assertThat(binary).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(body(binary).get("error").asString()).contains("binary_data_size");

		MvcTestResult wrongShape = this.mvc.post()
			.uri("/v2/models/lenet-mnist/infer")
			.contentType("application/json")
			.content(
					"{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 3, 28, 28], \"datatype\": \"FP32\", \"data\": [0]}]}")
			.exchange();
		assertThat(wrongShape).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(body(wrongShape).get("error").asString()).contains("[N, 1, 28, 28]");
		MvcTestResult missing = this.mvc.post()
			.uri("/v2/models/nope/infer")
			.contentType("application/json")
			.content("{\"inputs\": []}")
			.exchange();
		assertThat(missing).hasStatus(HttpStatus.NOT_FOUND);
		assertThat(body(missing).get("error").asString()).contains("nope");
		MvcTestResult malformed = this.mvc.post()
			.uri("/v2/models/lenet-mnist/infer")
			.contentType("application/json")
			.content("{\"inputs\": [")
			.exchange();
		assertThat(malformed).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(body(malformed).has("error")).isTrue();
		assertThat(this.mvc.get().uri("/v2/models/lenet-mnist/versions/7")).hasStatus(HttpStatus.NOT_FOUND);
	}

	@Test
	void colourModelsResizeAndNormaliseColourUploads(@Autowired io.cnnservice.training.TrainingJobService training)
			throws Exception {
		var job = training.submit(io.cnnservice.TestRequests.parse("""
				{"architecture": "seed-cnn", "dataset": "cifar10", "epochs": 1, "batchSize": 64, "seed": 7,
				 "trainLimit": 640, "testLimit": 200, "modelName": "it-cifar"}"""));
		long deadline = System.nanoTime() + java.time.Duration.ofMinutes(2).toNanos();
		while (!training.get(job.id()).status().isFinished() && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(training.get(job.id()).status()).isEqualTo(io.cnnservice.training.api.JobStatus.SUCCEEDED);

		// a 200x150 colour photo-like JPEG and a tiny 16x16 PNG: both become 32x32 RGB
		java.awt.image.BufferedImage photo = new java.awt.image.BufferedImage(200, 150,
				java.awt.image.BufferedImage.TYPE_INT_RGB);
		for (int y = 0; y < 150; y++) {
			for (int x = 0; x < 200; x++) {
				photo.setRGB(x, y, ((x + y) % 256 << 16) | (120 << 8) | (255 - y));
			}
		}
		java.awt.image.BufferedImage tiny = new java.awt.image.BufferedImage(16, 16,
				java.awt.image.BufferedImage.TYPE_INT_ARGB);
		MvcTestResult result = this.mvc.post()
			.uri("/api/v1/models/it-cifar/classify?topK=10")
			.multipart()
			.file(file("photo.jpg", UploadVariants.jpeg(photo, 0.9f)))
			.file(file("tiny.png", UploadVariants.encode(tiny, "png")))
			.exchange();
		assertThat(result).hasStatusOk();
		JsonNode results = body(result).get("results");
		for (JsonNode r : results) {
			assertThat(r.get("predictions").findValuesAsString("label")).containsExactlyInAnyOrder("airplane",
					"automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
			double sum = 0;
			for (JsonNode p : r.get("predictions")) {
				sum += p.get("probability").asDouble();
			}
			assertThat(sum).isCloseTo(1.0, within(1e-4));
		}
		assertThat(this.mvc.get().uri("/v2/models/it-cifar").exchange().getResponse().getContentAsString())
			.contains("[-1,3,32,32]");
	}

	@Test
	void aResnet9OfAnotherWidthRecordsItsWidthAndServes() throws Exception {
		JobPolling jobs = new JobPolling(this.mvc, this.json);
		JsonNode submitted = jobs.submit("""
				{"architecture": "resnet9", "width": 8, "dataset": "cifar10", "trainLimit": 256, "testLimit": 100,
				 "optimizer": "sgd", "learningRate": 0.05, "labelSmoothing": 0.1, "seed": 5,
				 "modelName": "it-resnet9"}""");
		JsonNode job = jobs.waitUntilFinished(submitted.get("id").asString());
		assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(job.get("request").get("labelSmoothing").asDouble()).isEqualTo(0.1);

		JsonNode model = jobs.get("/api/v1/models/it-resnet9/versions/1");
		assertThat(model.get("architectureOptions").get("width").asInt()).isEqualTo(8);
		// 1602 w^2 + 177 w, not the default width's 6.57 million
		assertThat(model.get("trainableParameters").asLong()).isEqualTo(1602L * 8 * 8 + 177 * 8);
		java.awt.image.BufferedImage photo = new java.awt.image.BufferedImage(32, 32,
				java.awt.image.BufferedImage.TYPE_INT_RGB);
		MvcTestResult result = this.mvc.post()
			.uri("/api/v1/models/it-resnet9/classify?topK=3")
			.multipart()
			.file(file("photo.png", UploadVariants.encode(photo, "png")))
			.exchange();
		assertThat(result).hasStatusOk();
		assertThat(body(result).get("results").get(0).get("predictions")).hasSize(3);
		// the control for the test-time flip test below: without flips, mirroring an
		// image changes what the model says
		Map<String, Double> plain = probabilities("it-resnet9", asymmetric(false));
		Map<String, Double> mirrored = probabilities("it-resnet9", asymmetric(true));
		assertSomeLabelDiffers(plain, mirrored);
	}

	@Test
	void aModelTrainedWithTestTimeFlipsGivesAnImageAndItsMirrorTheSameAnswer() throws Exception {
		JobPolling jobs = new JobPolling(this.mvc, this.json);
		JsonNode submitted = jobs.submit("""
				{"architecture": "resnet9", "width": 8, "dataset": "cifar10", "trainLimit": 256, "testLimit": 100,
				 "optimizer": "sgd", "learningRate": 0.05, "augment": "flip-crop-cutout", "testTimeFlip": true,
				 "seed": 6, "modelName": "it-resnet9-flips"}""");
		JsonNode job = jobs.waitUntilFinished(submitted.get("id").asString());
		assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(job.get("request").get("augment").asString()).isEqualTo("flip-crop-cutout");

		JsonNode model = jobs.get("/api/v1/models/it-resnet9-flips/versions/1");
		assertThat(model.get("preprocessing").get("testTimeFlip").asBoolean()).isTrue();
		Map<String, Double> plain = probabilities("it-resnet9-flips", asymmetric(false));
		Map<String, Double> mirrored = probabilities("it-resnet9-flips", asymmetric(true));
		assertThat(plain).hasSize(10);
		plain.forEach((label, p) -> assertThat(mirrored.get(label)).as(label).isCloseTo(p, within(1e-5)));

		// over HTTP: two passes per image by default, one with the views switched off;
		// alone, the mirror image gets another answer, and the default's answer is the
		// softmax of the two passes' mean logits (the renormalised geometric mean of
		// their probabilities)
		JsonNode withViews = classifyAsymmetric("it-resnet9-flips", "", false);
		assertThat(withViews.get("views").asInt()).isEqualTo(2);
		JsonNode aloneJson = classifyAsymmetric("it-resnet9-flips", "&testTimeViews=false", false);
		assertThat(aloneJson.get("views").asInt()).isEqualTo(1);
		Map<String, Double> alone = byLabel(aloneJson);
		Map<String, Double> aloneMirrored = byLabel(
				classifyAsymmetric("it-resnet9-flips", "&testTimeViews=false", true));
		assertSomeLabelDiffers(alone, aloneMirrored);
		Map<String, Double> geometric = new java.util.HashMap<>();
		alone.forEach((label, p) -> geometric.put(label, Math.sqrt(p * aloneMirrored.get(label))));
		double norm = geometric.values().stream().mapToDouble(Double::doubleValue).sum();
		byLabel(withViews)
			.forEach((label, p) -> assertThat(p).as(label).isCloseTo(geometric.get(label) / norm, within(1e-5)));

		MvcTestResult bad = this.mvc.post()
			.uri("/api/v1/models/it-resnet9-flips/classify?testTimeViews=sometimes")
			.multipart()
			.file(file("x.png", asymmetric(false)))
			.exchange();
		assertThat(bad).hasStatus(HttpStatus.BAD_REQUEST).hasContentType("application/problem+json");
		assertThat(body(bad).get("detail").asString()).contains("testTimeViews").contains("sometimes");

		// the same switch on the Open Inference endpoint, as a request parameter
		ModelMetadata flips = this.serving.resolve("it-resnet9-flips", null);
		Map<String, Double> inferred = infer(flips, asymmetric(false), "");
		Map<String, Double> inferredMirrored = infer(flips, asymmetric(true), "");
		inferred.forEach((label, p) -> assertThat(inferredMirrored.get(label)).as(label).isCloseTo(p, within(1e-5)));
		String alonePass = ", \"parameters\": {\"test_time_views\": false}";
		assertSomeLabelDiffers(infer(flips, asymmetric(false), alonePass), infer(flips, asymmetric(true), alonePass));
		for (String wrong : List.of("{\"test_time_views\": \"no\"}", "{\"binary_data_output\": true}")) {
			MvcTestResult refused = this.mvc.post()
				.uri("/v2/models/it-resnet9-flips/infer")
				.contentType("application/json")
				.content("{\"inputs\": [], \"parameters\": " + wrong + "}")
				.exchange();
			assertThat(refused).hasStatus(HttpStatus.BAD_REQUEST);
			assertThat(body(refused).get("error").asString()).as(wrong)
				.contains(wrong.contains("binary") ? "binary_data_output" : "test_time_views");
		}
	}

	/**
	 * The probabilities the Open Inference endpoint gives one image, prepared as the
	 * classify endpoint prepares it.
	 * @param extra more request fields, from a leading comma on
	 */
	private Map<String, Double> infer(ModelMetadata model, byte[] png, String extra) throws Exception {
		float[] input = Preprocessor.normalise(
				Preprocessor.crop(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png)), model), model);
		StringBuilder data = new StringBuilder();
		for (int i = 0; i < input.length; i++) {
			data.append(i == 0 ? "" : ",").append(input[i]);
		}
		List<Integer> shape = model.network().inputShape();
		MvcTestResult result = this.mvc.post()
			.uri("/v2/models/" + model.name() + "/infer")
			.contentType("application/json")
			.content("{\"inputs\": [{\"name\": \"input\", \"shape\": [1, " + shape.get(0) + ", " + shape.get(1) + ", "
					+ shape.get(2) + "], \"datatype\": \"FP32\", \"data\": [" + data + "]}]" + extra + "}")
			.exchange();
		assertThat(result).hasStatusOk();
		JsonNode out = body(result).get("outputs").get(0).get("data");
		Map<String, Double> byLabel = new java.util.HashMap<>();
		for (int c = 0; c < model.network().classes().size(); c++) {
			byLabel.put(model.network().classes().get(c), out.get(c).asDouble());
		}
		return byLabel;
	}

	/** One lossless upload classified over HTTP with all ten classes, as JSON. */
	private JsonNode classifyAsymmetric(String model, String query, boolean mirrored) throws Exception {
		MvcTestResult result = this.mvc.post()
			.uri("/api/v1/models/" + model + "/classify?topK=10" + query)
			.multipart()
			.file(file("x.png", asymmetric(mirrored)))
			.exchange();
		assertThat(result).hasStatusOk();
		return body(result);
	}

	/** A classify answer's probabilities by label, for its first file. */
	private static Map<String, Double> byLabel(JsonNode classified) {
		Map<String, Double> byLabel = new java.util.HashMap<>();
		classified.get("results")
			.get(0)
			.get("predictions")
			.forEach(p -> byLabel.put(p.get("label").asString(), p.get("probability").asDouble()));
		return byLabel;
	}

	private static void assertSomeLabelDiffers(Map<String, Double> a, Map<String, Double> b) {
		assertThat(a.keySet()).isEqualTo(b.keySet());
		assertThat(a.keySet()).anySatisfy(label -> assertThat(b.get(label)).isNotCloseTo(a.get(label), within(1e-4)));
	}

	/** All ten class probabilities for one lossless upload. */
	private Map<String, Double> probabilities(String model, byte[] png) {
		ClassificationResult result = this.serving.classify(model, null, List.of(new Upload("x.png", png)),
				new ModelServing.ClassifyOptions(10, true, false));
		Map<String, Double> byLabel = new java.util.HashMap<>();
		result.results().get(0).predictions().forEach(p -> byLabel.put(p.label(), p.probability()));
		return byLabel;
	}

	/** A 32x32 PNG that differs from its mirror image: colours ramp left to right. */
	private static byte[] asymmetric(boolean mirrored) throws IOException {
		java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(32, 32,
				java.awt.image.BufferedImage.TYPE_INT_RGB);
		for (int y = 0; y < 32; y++) {
			for (int x = 0; x < 32; x++) {
				int u = mirrored ? 31 - x : x;
				image.setRGB(x, y, (u * 8 << 16) | ((255 - u * 8) << 8) | (y * 8));
			}
		}
		return UploadVariants.encode(image, "png");
	}

}
