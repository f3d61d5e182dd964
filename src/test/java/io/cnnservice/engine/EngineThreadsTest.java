package io.cnnservice.engine;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import io.cnnservice.ServiceProcess;
import io.cnnservice.TestDatasets;
import io.cnnservice.datasets.formats.ImageSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Training must not slow down because the service has served inference. The engine's
 * OpenMP runtime keeps a team of workers per thread that ever ran a parallel operator,
 * and once there are more workers than cores, all of them sleep between operators instead
 * of spinning, and training stays about a third slower. This starts the service in its
 * own JVM (the test JVM's threads have run the engine already), classifies, draws a layer
 * table, and then counts the voluntary context switches of the training thread and its
 * OpenMP worker, which the kernel names after it, while a job trains: about 50 per batch
 * when the workers sleep, a handful per job when they spin.
 */
@EnabledOnOs(OS.LINUX)
@Isolated("it counts the context switches of the service's training thread")
class EngineThreadsTest {

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	static Path store;

	static ServiceProcess service;

	@BeforeAll
	static void start() throws Exception {
		FileSystemUtils.copyRecursively(Path.of("model-store", "lenet-mnist"), store.resolve("lenet-mnist"));
		service = ServiceProcess.start(store, store.resolve("service.log"));
	}

	@AfterAll
	static void stop() throws Exception {
		if (service != null) {
			service.terminate(Duration.ofSeconds(60));
		}
	}

	@Test
	void trainsAtFullSpeedAfterServingInference() throws Exception {
		byte[] digit = png();
		for (int i = 0; i < 5; i++) {
			HttpResponse<String> classified = send(multipart("/api/v1/models/lenet-mnist/classify", digit, 8));
			assertThat(classified.statusCode()).as(classified.body()).isEqualTo(200);
		}
		HttpResponse<String> table = send(HttpRequest.newBuilder(uri("/api/v1/architectures/vgg-small?dataset=mnist")));
		assertThat(table.statusCode()).as(table.body()).isEqualTo(200);
		// the engine-work threads (and their OpenMP teams) go once idle
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (!threadsNamed("engine-work-").isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(threadsNamed("engine-work-")).as("idle engine-work threads").isEmpty();

		// 5 epochs of 30 batches: the committed MNIST has 2,000 training images
		int epochs = 5;
		int batches = epochs * 30;
		HttpResponse<String> submitted = send(HttpRequest.newBuilder(uri("/api/v1/training-jobs"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString("{\"architecture\":\"lenet\",\"dataset\":\"mnist\",\"trainLimit\":" + (batches / epochs * 64)
						+ ",\"epochs\":" + epochs
						+ ",\"testLimit\":100,\"batchSize\":64,\"seed\":1,\"modelName\":\"after\"}")));
		assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
		String id = json.readTree(submitted.body()).get("id").asString();
		// sampled while the job runs, and once more as it finishes (the thread lingers
		// for EngineWork.KEEP_ALIVE, long enough for the last sample)
		Map<String, Long> switches = new HashMap<>();
		String status = "QUEUED";
		deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (System.nanoTime() < deadline) {
			threadsNamed("training-").forEach((tid, count) -> switches.merge(tid, count, Math::max));
			if (status.equals("SUCCEEDED") || status.equals("FAILED")) {
				break;
			}
			JsonNode job = json.readTree(send(HttpRequest.newBuilder(uri("/api/v1/training-jobs/" + id))).body());
			status = job.get("status").asString();
			Thread.sleep(100);
		}
		assertThat(status).isEqualTo("SUCCEEDED");
		assertThat(switches).as("training thread and its OpenMP worker").hasSizeGreaterThanOrEqualTo(2);
		long total = switches.values().stream().mapToLong(Long::longValue).sum();
		assertThat(total / (double) batches).as("voluntary context switches per batch, training threads " + switches)
			.isLessThan(5);
	}

	/** Voluntary context switches of this service's threads whose name starts so. */
	private static Map<String, Long> threadsNamed(String prefix) throws IOException {
		Map<String, Long> found = new HashMap<>();
		Path tasks = Path.of("/proc", Long.toString(service.pid()), "task");
		try (Stream<Path> list = Files.list(tasks)) {
			for (Path task : list.toList()) {
				try {
					if (Files.readString(task.resolve("comm")).strip().startsWith(prefix)) {
						for (String line : Files.readAllLines(task.resolve("status"))) {
							if (line.startsWith("voluntary_ctxt_switches:")) {
								found.put(task.getFileName().toString(), Long.parseLong(line.split("\\s+")[1]));
							}
						}
					}
				}
				catch (IOException ex) {
					// the thread exited while being read
				}
			}
		}
		return found;
	}

	private static byte[] png() throws IOException {
		ImageSet digits = TestDatasets.catalog(TestDatasets.root()).load("mnist").test();
		BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
		image.getRaster().setDataElements(0, 0, 28, 28, java.util.Arrays.copyOf(digits.pixels(), 784));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ImageIO.write(image, "png", out);
		return out.toByteArray();
	}

	private static HttpRequest.Builder multipart(String path, byte[] file, int copies) {
		String boundary = "----cnn" + System.nanoTime();
		List<byte[]> parts = new ArrayList<>();
		for (int i = 0; i < copies; i++) {
			parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d" + i
					+ ".png\"\r\nContent-Type: image/png\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			parts.add(file);
			parts.add("\r\n".getBytes(StandardCharsets.US_ASCII));
		}
		parts.add(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
		return HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.POST(HttpRequest.BodyPublishers.ofByteArrays(parts));
	}

	private static URI uri(String path) {
		return service.uri(path);
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return service.send(request);
	}

}
