package io.cnnservice.security;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import io.cnnservice.TestDatasets;
import io.cnnservice.TestStore;
import io.cnnservice.TestUploads;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The role matrix with keys configured: every endpoint tried with no key, a wrong key and
 * a key of each role, over real HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@TestStore(TestStore.Contents.SHIPPED)
class ApiKeyAccessTest {

	static final Path KEYS_FILE = keysFile();

	/**
	 * The key of each role; the admin key comes from the keys file, the rest from
	 * properties.
	 */
	static final Map<Role, String> KEYS = Map.of(Role.READ, "read-key-1", Role.INFER, "infer-key-2", Role.TRAIN,
			"train-key-3", Role.ADMIN, "admin-key-4");

	/** A key with two roles: each gives what it gives, and together they add up. */
	static final String OPS_KEY = "ops-key-5";

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		int i = 0;
		for (Role role : List.of(Role.READ, Role.INFER, Role.TRAIN)) {
			int index = i++;
			registry.add("cnn.security.api-keys[" + index + "].name", () -> role.id() + "-client");
			registry.add("cnn.security.api-keys[" + index + "].roles", role::id);
			registry.add("cnn.security.api-keys[" + index + "].sha256", () -> hex(KEYS.get(role)));
		}
		registry.add("cnn.security.api-keys[3].name", () -> "ops");
		registry.add("cnn.security.api-keys[3].roles", () -> "read, admin");
		registry.add("cnn.security.api-keys[3].sha256", () -> hex(OPS_KEY));
		registry.add("cnn.security.api-keys-file", KEYS_FILE::toString);
	}

	private static Path keysFile() {
		try {
			Path file = Files.createTempFile("cnn-keys", ".json");
			Files.writeString(file, "[{\"name\": \"operator\", \"roles\": [\"admin\"], \"sha256\": \""
					+ hex("admin-key-4").toUpperCase() + "\"}]");
			return file;
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	static String hex(String key) {
		return HexFormat.of().formatHex(ApiKeys.sha256(key));
	}

	@AfterAll
	static void cleanUp() throws IOException {
		Files.deleteIfExists(KEYS_FILE);
	}

	/** The model store the service runs on. */
	@Value("${cnn.model-store.root}")
	Path store;

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	@Autowired
	MeterRegistry registry;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	/** An endpoint and the role it needs; null for open ones. */
	record Endpoint(String method, String path, Role role, String contentType, byte[] body) {

		static Endpoint get(String path, Role role) {
			return new Endpoint("GET", path, role, null, null);
		}

		static Endpoint post(String path, Role role, String contentType, byte[] body) {
			return new Endpoint("POST", path, role, contentType, body);
		}

		@Override
		public String toString() {
			return this.method + " " + this.path;
		}

	}

	static List<Endpoint> endpoints() throws IOException {
		byte[] json = "{}".getBytes();
		byte[] infer = "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 1, 28, 28], \"datatype\": \"FP32\", \"data\": [0]}]}"
			.getBytes();
		return List.of(Endpoint.get("/api/v1/training-jobs", Role.READ),
				Endpoint.get("/api/v1/training-jobs/nope", Role.READ),
				Endpoint.get("/api/v1/training-jobs/nope/events", Role.READ),
				Endpoint.post("/api/v1/training-jobs", Role.TRAIN, "application/json", json),
				Endpoint.post("/api/v1/training-jobs/nope/cancel", Role.TRAIN, null, null),
				Endpoint.post("/api/v1/training-jobs/nope/resume", Role.TRAIN, null, null),
				Endpoint.post("/api/v1/datasets/nope/download", Role.TRAIN, null, null),
				Endpoint.get("/api/v1/datasets", Role.READ), Endpoint.get("/api/v1/datasets/mnist", Role.READ),
				Endpoint.get("/api/v1/architectures", Role.READ),
				Endpoint.get("/api/v1/architectures/lenet", Role.READ), Endpoint.get("/api/v1/models", Role.READ),
				Endpoint.get("/api/v1/models/lenet-mnist", Role.READ),
				Endpoint.get("/api/v1/models/lenet-mnist/versions/1", Role.READ),
				new Endpoint("DELETE", "/api/v1/models/nope/versions/1", Role.ADMIN, null, null),
				new Endpoint("DELETE", "/api/v1/models/nope", Role.ADMIN, null, null),
				Endpoint.post("/api/v1/models/lenet-mnist/classify", Role.INFER, TestUploads.MULTIPART_TYPE,
						TestUploads.multipart(TestUploads.sevenPng(), 1)),
				Endpoint.get("/api/v1/system", Role.READ), Endpoint.get("/v2", Role.READ),
				Endpoint.get("/v2/models/lenet-mnist", Role.READ),
				Endpoint.get("/v2/models/lenet-mnist/versions/1", Role.READ),
				Endpoint.get("/v2/models/lenet-mnist/ready", Role.READ),
				Endpoint.post("/v2/models/lenet-mnist/infer", Role.INFER, "application/json", infer),
				Endpoint.post("/v2/models/lenet-mnist/versions/1/infer", Role.INFER, "application/json", infer),
				Endpoint.get("/v2/health/live", null), Endpoint.get("/v2/health/ready", null),
				Endpoint.get("/actuator/health", null), Endpoint.get("/actuator/health/liveness", null),
				Endpoint.get("/actuator/health/readiness", null), Endpoint.get("/actuator/prometheus", null),
				Endpoint.get("/api/v1/training-workers/prometheus-targets", null),
				Endpoint.get("/actuator/metrics", Role.ADMIN), Endpoint.get("/actuator/info", Role.ADMIN),
				Endpoint.get("/v3/api-docs", null));
	}

	private HttpResponse<String> send(Endpoint endpoint, String key) throws Exception {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + endpoint.path()))
			.timeout(Duration.ofSeconds(30))
			.method(endpoint.method(), (endpoint.body() != null)
					? HttpRequest.BodyPublishers.ofByteArray(endpoint.body()) : HttpRequest.BodyPublishers.noBody());
		if (endpoint.contentType() != null) {
			request.header("Content-Type", endpoint.contentType());
		}
		if (key != null) {
			request.header("Authorization", "Bearer " + key);
		}
		if (endpoint.path().endsWith("/events")) {
			// an unknown job's stream is a 404 at once; a known one would stream
			request.header("Accept", "text/event-stream");
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void everyEndpointAnswersEachCallerByItsRoles() throws Exception {
		List<String> failures = new ArrayList<>();
		for (Endpoint endpoint : endpoints()) {
			HttpResponse<String> none = send(endpoint, null);
			HttpResponse<String> wrong = send(endpoint, "not-a-key");
			if (endpoint.role() == null) {
				expectAllowed(failures, endpoint, "no key", none);
			}
			else {
				expectRefused(failures, endpoint, "no key", none, 401);
				if (none.statusCode() == 401
						&& !none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer")) {
					failures.add(endpoint + " with no key: 401 without a Bearer challenge");
				}
			}
			expectRefused(failures, endpoint, "a wrong key", wrong, 401);
			for (Role role : Role.values()) {
				HttpResponse<String> response = send(endpoint, KEYS.get(role));
				if (endpoint.role() == null || endpoint.role() == role) {
					expectAllowed(failures, endpoint, role.id() + " key", response);
				}
				else {
					expectRefused(failures, endpoint, role.id() + " key", response, 403);
					if (response.statusCode() == 403
							&& !response.body().contains("\"requiredRole\":\"" + endpoint.role().id() + "\"")) {
						failures.add(endpoint + " with a " + role.id() + " key: the 403 does not name the role: "
								+ response.body());
					}
				}
			}
		}
		assertThat(failures).isEmpty();
	}

	private static void expectAllowed(List<String> failures, Endpoint endpoint, String who,
			HttpResponse<String> response) {
		int status = response.statusCode();
		if (status == 401 || status == 403 || status >= 500) {
			failures.add(endpoint + " with " + who + ": expected it allowed, got " + status + " " + response.body());
		}
	}

	private static void expectRefused(List<String> failures, Endpoint endpoint, String who,
			HttpResponse<String> response, int expected) {
		if (response.statusCode() != expected) {
			failures.add(endpoint + " with " + who + ": expected " + expected + ", got " + response.statusCode());
		}
		else if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
			failures.add(endpoint + " with " + who + ": the " + expected + " is not a problem: "
					+ response.headers().firstValue("Content-Type"));
		}
	}

	@Test
	void theOpenApiDocumentDeclaresBothWaysOfSendingAKey() throws Exception {
		JsonNode doc = this.json.readTree(send(Endpoint.get("/v3/api-docs", null), null).body());
		JsonNode schemes = doc.get("components").get("securitySchemes");
		assertThat(schemes.get("bearer").get("scheme").asString()).isEqualTo("bearer");
		assertThat(schemes.get("apiKey").get("name").asString()).isEqualTo("X-API-Key");
		assertThat(doc.get("security").toString()).contains("bearer").contains("apiKey");
	}

	@Test
	void theXApiKeyHeaderWorksLikeABearerToken() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/v1/models"))
			.header("X-API-Key", KEYS.get(Role.READ))
			.build();
		assertThat(this.http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
	}

	@Test
	void healthDetailsAndFileLocationsAreForAdminOnly() throws Exception {
		JsonNode adminHealth = this.json
			.readTree(send(Endpoint.get("/actuator/health", null), KEYS.get(Role.ADMIN)).body());
		JsonNode readHealth = this.json
			.readTree(send(Endpoint.get("/actuator/health", null), KEYS.get(Role.READ)).body());
		JsonNode anonymousHealth = this.json.readTree(send(Endpoint.get("/actuator/health", null), null).body());
		assertThat(adminHealth.toString()).contains(this.store.toString());
		assertThat(readHealth.toString()).doesNotContain(this.store.toString());
		assertThat(anonymousHealth.get("status").asString()).isEqualTo("UP");
		assertThat(anonymousHealth.toString()).doesNotContain(this.store.toString());

		String root = TestDatasets.root().toString();
		assertThat(send(Endpoint.get("/api/v1/datasets/mnist", null), KEYS.get(Role.ADMIN)).statusCode())
			.as("admin alone does not read")
			.isEqualTo(403);
		assertThat(send(Endpoint.get("/api/v1/datasets/mnist", null), OPS_KEY).body()).contains(root);
		assertThat(send(Endpoint.get("/api/v1/datasets/mnist", null), KEYS.get(Role.READ)).body()).doesNotContain(root)
			.contains("\"ready\":true");
		assertThat(send(Endpoint.get("/api/v1/datasets", null), KEYS.get(Role.READ)).body()).doesNotContain(root);
		assertThat(send(Endpoint.get("/api/v1/system", null), KEYS.get(Role.READ)).body()).doesNotContain("cacheDir")
			.contains("engine");
		assertThat(send(Endpoint.get("/api/v1/system", null), OPS_KEY).body()).contains("cacheDir");
	}

	@Test
	void everyMutationIsCountedByKeyMethodAndOutcome() throws Exception {
		Endpoint cancel = Endpoint.post("/api/v1/training-jobs/nope/cancel", Role.TRAIN, null, null);
		double before = count("train-client", "404") + count("read-client", "403");
		send(cancel, KEYS.get(Role.TRAIN));
		send(cancel, KEYS.get(Role.READ));
		assertThat(count("train-client", "404") + count("read-client", "403")).isEqualTo(before + 2);
	}

	private double count(String key, String outcome) {
		var counter = this.registry.find("cnn.api.mutations")
			.tags("key", key, "method", "POST", "outcome", outcome)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

}
