package io.cnnservice.deployment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import io.cnnservice.TestDatasets;
import io.cnnservice.TestUploads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real image built from service/Dockerfile, run the way Kubernetes runs it (non-root,
 * read-only root filesystem, writable /tmp and /model-store), on the host network and a
 * free 127.0.0.1 port: it must become ready, train a tiny job, classify a real PNG and
 * expose its metrics. The image is named by CNN_TEST_IMAGE (.ci/run builds it); without
 * Docker or the image the test is skipped, unless CNN_REQUIRE_DOCKER is true (CI), where
 * it fails.
 */
@Tag("container")
@Testcontainers(disabledWithoutDocker = true)
class ContainerImageTest {

	static GenericContainer<?> service;

	static int port;

	static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	static final JsonMapper json = JsonMapper.builder().build();

	@BeforeAll
	static void start() throws Exception {
		String image = System.getenv("CNN_TEST_IMAGE");
		boolean required = "true".equalsIgnoreCase(System.getenv("CNN_REQUIRE_DOCKER"));
		boolean present = image != null && !image.isBlank()
				&& !DockerClientFactory.instance().client().listImagesCmd().withImageNameFilter(image).exec().isEmpty();
		if (!present && required) {
			throw new IllegalStateException("CNN_REQUIRE_DOCKER=true but image '" + image + "' was not built");
		}
		assumeTrue(present, "no image to test: build one and set CNN_TEST_IMAGE (see .ci/run)");
		try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			port = s.getLocalPort();
		}
		service = new GenericContainer<>(DockerImageName.parse(image)).withNetworkMode("host")
			.withEnv(Map.of("PORT", Integer.toString(port), "SERVER_ADDRESS", "127.0.0.1"))
			.withFileSystemBind(TestDatasets.root().toString(), "/data", BindMode.READ_ONLY)
			// /model-store is a VOLUME: Docker gives it a fresh volume holding the
			// shipped model
			.withTmpFs(Map.of("/tmp", "rw,exec"))
			.withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withReadonlyRootfs(true))
			.withLogConsumer(new Slf4jLogConsumer(org.slf4j.LoggerFactory.getLogger("container")))
			.waitingFor(Wait.forLogMessage(".*Started Application.*", 1).withStartupTimeout(Duration.ofMinutes(2)));
		service.start();
	}

	@AfterAll
	static void stop() {
		if (service != null) {
			service.stop();
		}
	}

	@Test
	void theImageBecomesReadyTrainsClassifiesAndExposesMetrics() throws Exception {
		JsonNode ready = json.readTree(get("/actuator/health/readiness"));
		assertThat(ready.get("status").asString()).isEqualTo("UP");
		// the image preloads jemalloc, so the service must leave glibc's malloc alone
		assertThat(json.readTree(get("/api/v1/system")).get("allocator").asString()).isEqualTo("jemalloc (LD_PRELOAD)");
		// the container's own HEALTHCHECK agrees once it has run
		long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
		String health = "";
		while (System.nanoTime() < deadline && !"healthy".equals(health)) {
			Thread.sleep(1000);
			health = service.getCurrentContainerInfo().getState().getHealth().getStatus();
		}
		assertThat(health).isEqualTo("healthy");

		JsonNode job = json.readTree(post("/api/v1/training-jobs", "application/json", """
				{"architecture": "lenet", "dataset": "mnist", "trainLimit": 640, "testLimit": 200,
				 "modelName": "container-lenet"}""".getBytes(StandardCharsets.UTF_8)));
		String id = job.get("id").asString();
		deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
		while (System.nanoTime() < deadline
				&& !json.readTree(get("/api/v1/training-jobs/" + id)).get("status").asString().equals("SUCCEEDED")) {
			Thread.sleep(250);
		}
		JsonNode done = json.readTree(get("/api/v1/training-jobs/" + id));
		assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
		assertThat(json.readTree(get("/api/v1/models/container-lenet")).get("latestVersion").asInt()).isEqualTo(1);

		JsonNode classified = json.readTree(post("/api/v1/models/lenet-mnist/classify", TestUploads.MULTIPART_TYPE,
				TestUploads.multipart(TestUploads.sevenPng())));
		assertThat(classified.get("results").get(0).get("predictions").get(0).get("label").asString()).isEqualTo("7");

		String metrics = get("/actuator/prometheus");
		assertThat(metrics).contains("cnn_training_jobs{application=\"cnn-service\",status=\"succeeded\"} 1");
		assertThat(metrics).contains("cnn_inference_images_total{application=\"cnn-service\",model=\"lenet-mnist\"} 1");
		assertThat(metrics).contains("cnn_engine_info{application=\"cnn-service\",device=\"cpu()\"");

		// runs as the image's non-root user, and the native library was unpacked at build
		// time
		assertThat(service.execInContainer("id", "-u").getStdout().trim()).isEqualTo("10001");
		assertThat(service.getLogs()).doesNotContain("Downloading");
	}

	/**
	 * On Kubernetes the model store volume hides the image's /model-store, so the
	 * Deployment's init container copies the shipped models into it. Runs that init
	 * container as the manifest says (its command, the volume at its mount path,
	 * non-root, read-only root), twice, on a volume that is empty but for one version a
	 * user already has: the missing model arrives byte for byte, the version already
	 * there is kept, and no temporary copy is left behind.
	 */
	@Test
	@SuppressWarnings("unchecked")
	void theInitContainerSeedsTheVolumeWithTheShippedModelsAndKeepsWhatIsThere() throws Exception {
		Map<String, Object> deployment = new Yaml().load(Files.readString(Path.of("k8s/base/deployment.yaml")));
		Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) deployment
			.get("spec")).get("template")).get("spec");
		Map<String, Object> init = ((List<Map<String, Object>>) pod.get("initContainers")).get(0);
		List<String> command = (List<String>) init.get("command");
		String mountPath = ((List<Map<String, Object>>) init.get("volumeMounts")).stream()
			.filter(m -> "model-store".equals(m.get("name")))
			.map(m -> (String) m.get("mountPath"))
			.findFirst()
			.orElseThrow();

		Path volume = Files.createTempDirectory("cnn-seed-volume");
		try {
			// what the volume's fsGroup gives the image's user on a real cluster
			Files.setPosixFilePermissions(volume, PosixFilePermissions.fromString("rwxrwxrwx"));
			Path kept = Files.createDirectories(volume.resolve("resnet9-cifar10/1")).resolve("model.json");
			Files.writeString(kept, "{\"name\": \"resnet9-cifar10\", \"note\": \"the user's own\"}");
			for (Path p : List.of(volume.resolve("resnet9-cifar10"), kept.getParent(), kept)) {
				// writable to the image's user, as a version it trained itself would be
				Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
			}

			String first = runOnce(command, volume.toString(), mountPath);
			assertThat(first).contains("copied lenet-mnist version 1")
				.contains("resnet9-cifar10 version 1 is already there");
			String second = runOnce(command, volume.toString(), mountPath);
			assertThat(second).contains("lenet-mnist version 1 is already there").doesNotContain("copied");

			for (String file : List.of("model.json", "model-0004.params")) {
				assertThat(volume.resolve("lenet-mnist/1").resolve(file))
					.hasSameBinaryContentAs(Path.of("model-store/lenet-mnist/1").resolve(file));
			}
			assertThat(kept).content().contains("the user's own");
			try (var left = Files.list(volume.resolve("lenet-mnist"))) {
				assertThat(left.map(p -> p.getFileName().toString())).containsExactly("1");
			}
		}
		finally {
			FileSystemUtils.deleteRecursively(volume);
		}
	}

	/**
	 * docker-compose runs the same script, as its {@code x-seed} block says, on a Docker
	 * named volume. A new volume lets the image's non-root user write to it only because
	 * the image's folder at the mount path is theirs: the volume takes the owner of the
	 * folder it is first mounted over.
	 */
	@Test
	@SuppressWarnings("unchecked")
	void theComposeSeedContainerFillsANewDockerVolume() throws Exception {
		Map<String, Object> seed = (Map<String, Object>) ((Map<String, Object>) new Yaml()
			.load(Files.readString(Path.of("docker-compose.yml")))).get("x-seed");
		List<String> command = (List<String>) seed.get("entrypoint");
		String mountPath = ((List<String>) seed.get("volumes")).get(0).split(":")[1];
		String name = "cnn-seed-test-" + System.nanoTime();
		try {
			assertThat(runOnce(command, name, mountPath)).contains("copied lenet-mnist version 1",
					"copied resnet9-cifar10 version 1");
		}
		finally {
			DockerClientFactory.instance().client().removeVolumeCmd(name).exec();
		}
	}

	/**
	 * Runs the image once with the command, non-root and with a read-only root, a host
	 * folder or a named volume mounted, and returns its output.
	 * @param source a host folder's path, or a Docker volume's name (made if missing)
	 */
	private static String runOnce(List<String> command, String source, String mountPath) {
		try (GenericContainer<?> init = new GenericContainer<>(DockerImageName.parse(System.getenv("CNN_TEST_IMAGE")))
			.withNetworkMode("none")
			.withLogConsumer(new Slf4jLogConsumer(org.slf4j.LoggerFactory.getLogger("seed-model-store")))
			.withCreateContainerCmdModifier(cmd -> {
				cmd.withEntrypoint(command.toArray(String[]::new)).withCmd(List.of());
				cmd.getHostConfig().withBinds(new Bind(source, new Volume(mountPath))).withReadonlyRootfs(true);
			})
			.withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(1)))) {
			init.start();
			return init.getLogs();
		}
	}

	private static String get(String path) throws Exception {
		return http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

	private static String post(String path, String contentType, byte[] body) throws Exception {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
		return response.body();
	}

}
