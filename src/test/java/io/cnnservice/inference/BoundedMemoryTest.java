package io.cnnservice.inference;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.cnnservice.ServiceProcess;
import io.cnnservice.ServiceProcessTest;
import io.cnnservice.TestStores;
import io.cnnservice.TestUploads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memory reproducers against a service process with a fixed heap that exits
 * on OutOfMemoryError: many concurrent uploads of a large 16-bit image, and a v2 batch of
 * 1024 images, get answers (200, 413 or 503), never a 500, and the process lives on.
 */
@ServiceProcessTest
class BoundedMemoryTest {

	static final String HEAP = "-Xmx512m";

	static Path store;

	static Path log;

	static ServiceProcess service;

	@BeforeAll
	static void start() throws Exception {
		store = TestStores.copyOfShipped("cnn-bounded");
		log = Files.createTempFile("cnn-bounded", ".log");
		service = ServiceProcess.start(store, log, List.of(HEAP, "-XX:+ExitOnOutOfMemoryError"),
				"--cnn.training.isolation=thread");
	}

	@AfterAll
	static void stop() throws Exception {
		if (service != null) {
			service.close();
		}
		FileSystemUtils.deleteRecursively(store);
		Files.deleteIfExists(log);
	}

	@Test
	void sixtyFourConcurrentUploadsOfTheLargestImageNeverFailTheHeap() throws Exception {
		// 6324 x 6324 pixels, just under cnn.inference.max-pixels: 320 MB decoded at full
		// size
		byte[] body = TestUploads.multipart(TestUploads.largeRgba16Png(6324));
		int clients = 64;
		ExecutorService pool = Executors.newFixedThreadPool(clients);
		try {
			List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				answers.add(CompletableFuture.supplyAsync(() -> {
					try {
						return service.send(HttpRequest.newBuilder(service.uri("/api/v1/models/lenet-mnist/classify"))
							.timeout(Duration.ofMinutes(3))
							.header("Content-Type", TestUploads.MULTIPART_TYPE)
							.POST(HttpRequest.BodyPublishers.ofByteArray(body)));
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				}, pool));
			}
			Map<Integer, Integer> statuses = new TreeMap<>();
			for (CompletableFuture<HttpResponse<String>> answer : answers) {
				HttpResponse<String> response = answer.join();
				statuses.merge(response.statusCode(), 1, Integer::sum);
				if (response.statusCode() == 503) {
					assertThat(response.headers().firstValue("Retry-After")).isPresent();
				}
			}
			System.out.println("64 concurrent 6324x6324 16-bit uploads: " + statuses);
			assertThat(statuses.keySet()).as(statuses.toString()).isSubsetOf(200, 503);
			assertThat(statuses.getOrDefault(200, 0)).as("some are decoded, not all refused").isPositive();
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(service.isAlive()).as("no OutOfMemoryError in " + HEAP).isTrue();
		assertThat(service.log()).doesNotContain("OutOfMemoryError");
	}

	@Test
	void aThousandImageOpenInferenceBatchIsRefusedByItsSize() throws Exception {
		// the request: 12.6 MB of JSON, refused by its length before it is parsed
		HttpResponse<String> large = infer(1024, "0.5");
		assertThat(large.statusCode()).isEqualTo(413);
		assertThat(large.body()).contains("cnn.inference.max-json-size");
		// the same batch written compactly fits the body limit and is refused by its
		// count
		HttpResponse<String> compact = infer(1024, "0");
		assertThat(compact.statusCode()).isEqualTo(413);
		assertThat(compact.body()).contains("cnn.inference.max-batch").startsWith("{\"error\"");
		assertThat(service.isAlive()).isTrue();
	}

	private static HttpResponse<String> infer(int n, String value) throws Exception {
		StringBuilder data = new StringBuilder(n * 3 * 32 * 32 * (value.length() + 1));
		for (int i = 0; i < n * 3 * 32 * 32; i++) {
			data.append((i == 0) ? "" : ",").append(value);
		}
		String request = "{\"inputs\":[{\"name\":\"input\",\"shape\":[" + n
				+ ",3,32,32],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}";
		return service.send(HttpRequest.newBuilder(service.uri("/v2/models/resnet9-cifar10/infer"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(request)));
	}

}
