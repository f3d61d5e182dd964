package io.cnnservice.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cnnservice.RawHttp;
import io.cnnservice.TestStore;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of malformed requests over real HTTP, from a fixed seed: none may get a 5xx,
 * every error must be a problem detail (or the open inference protocol's
 * {@code {"error"}}), and the service must be ready and no fatter afterwards.
 * {@code CNN_FUZZ_REQUESTS} sets the count (CI runs 10,000), {@code CNN_FUZZ_SEED} the
 * seed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "cnn.training.queue-capacity=1000" })
@TestStore(TestStore.Contents.SHIPPED)
class MalformedRequestFuzzTest {

	/**
	 * RSS may grow by this much over the run: caches and warm-up, not a leak per request.
	 */
	static final long RSS_GROWTH_BOUND = 512L << 20;

	private static final Pattern JOB_ID = Pattern.compile("\"id\":\"([^\"]+)\"");

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	@Test
	void noMalformedRequestGetsA5xxOrAnErrorThatIsNotAProblem() throws Exception {
		int count = Integer.parseInt(System.getenv().getOrDefault("CNN_FUZZ_REQUESTS", "3000"));
		long seed = Long.parseLong(System.getenv().getOrDefault("CNN_FUZZ_SEED", "20261205"));
		MalformedRequests requests = new MalformedRequests(seed);
		// warm up first, so RSS growth measures the fuzzing rather than first use
		for (int i = 0; i < 50; i++) {
			send(requests.next());
		}
		long rssBefore = rss();
		Map<Integer, Integer> statuses = new TreeMap<>();
		List<String> failures = new ArrayList<>();
		Map<String, Integer> failuresByKind = new LinkedHashMap<>();
		for (int i = 0; i < count; i++) {
			MalformedRequests.Request request = requests.next();
			RawHttp.Response response;
			try {
				response = send(request);
			}
			catch (IOException ex) {
				failures.add("#" + i + " " + request.what() + ": no answer (" + ex.getMessage() + ")");
				continue;
			}
			statuses.merge(response.status(), 1, Integer::sum);
			String problem = check(request, response);
			if (problem != null) {
				String kind = request.what().replaceAll("[0-9]+", "N");
				if (failuresByKind.merge(kind, 1, Integer::sum) <= 2) {
					failures.add("#" + i + " " + request.method() + " " + abbreviate(request.target()) + " ("
							+ request.what() + "): " + problem);
				}
			}
			if (response.status() == 202) {
				cancel(response);
			}
		}
		long rssAfter = rss();
		System.out.printf("Fuzzed %d requests (seed %d): statuses %s; RSS %d -> %d MB%n", count, seed, statuses,
				rssBefore >> 20, rssAfter >> 20);
		assertThat(failures).as("failures by kind: " + failuresByKind).isEmpty();
		RawHttp.Response ready = RawHttp.send(this.port, "GET", "/actuator/health/readiness", Map.of(), null);
		assertThat(ready.status()).isEqualTo(200);
		assertThat(rssAfter - rssBefore).as("RSS growth in bytes").isLessThan(RSS_GROWTH_BOUND);
	}

	private RawHttp.Response send(MalformedRequests.Request request) throws IOException {
		return RawHttp.send(this.port, request.method(), request.target(), request.headers(), request.body());
	}

	/** What is wrong with the answer, or null. */
	private String check(MalformedRequests.Request request, RawHttp.Response response) {
		int status = response.status();
		if (status >= 500) {
			return status + " " + abbreviate(response.text());
		}
		if (status < 400) {
			return null;
		}
		String type = String.valueOf(response.header("Content-Type"));
		if (type.startsWith("application/problem+json")) {
			JsonNode body = parse(response.text());
			return (body != null && body.path("status").asInt() == status && body.hasNonNull("detail")) ? null
					: "a problem without its status or detail: " + abbreviate(response.text());
		}
		if (request.openInference() && type.startsWith("application/json")) {
			JsonNode body = parse(response.text());
			return (body != null && body.path("error").isString()) ? null
					: "a v2 error without 'error': " + abbreviate(response.text());
		}
		return status + " as '" + type + "': " + abbreviate(response.text());
	}

	private JsonNode parse(String text) {
		try {
			return this.json.readTree(text);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private void cancel(RawHttp.Response accepted) throws IOException {
		Matcher id = JOB_ID.matcher(accepted.text());
		if (id.find()) {
			RawHttp.send(this.port, "POST", "/api/v1/training-jobs/" + id.group(1) + "/cancel", Map.of(), new byte[0]);
		}
	}

	/**
	 * Resident memory after a full collection, which gives back the heap that garbage
	 * grew: what stays is what the requests left behind.
	 */
	private static long rss() throws IOException, InterruptedException {
		System.gc();
		Thread.sleep(500);
		for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
			}
		}
		return 0;
	}

	private static String abbreviate(String text) {
		String flat = text.replaceAll("\\s+", " ");
		return (flat.length() > 300) ? flat.substring(0, 300) + "..." : flat;
	}

}
