package io.cnnservice.training.runners.kubernetes;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.cnnservice.ServiceProcess;
import io.cnnservice.ServiceProcessTest;
import io.cnnservice.TestDatasets;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kubernetes runner against a real API server protocol: fabric8's mock server in CRUD
 * mode keeps the Jobs, ConfigMaps and Pods it is sent, and a {@link TestNode} plays the
 * cluster, running each Job's container command as a real worker process on the fixture
 * datasets. Two API processes share the store, as two replicas behind a Service.
 */
@ServiceProcessTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesTrainingIntegrationTest {

	private static final String NAMESPACE = "training";

	@TempDir
	static Path dir;

	private KubernetesMockServer server;

	private KubernetesClient client;

	private TestNode node;

	private ServiceProcess api;

	private ServiceProcess replica;

	private int metricsPort;

	@BeforeAll
	void startClusterAndApi() throws Exception {
		// one line per request of a reconcile loop that runs every 300 ms would drown the
		// test output
		((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.fabric8.mockwebserver"))
			.setLevel(ch.qos.logback.classic.Level.WARN);
		this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
				new KubernetesCrudDispatcher(), false);
		this.server.init(InetAddress.getByName("127.0.0.1"), 0);
		this.client = this.server.createClient();
		Path store = Files.createDirectories(dir.resolve("store"));
		try (ServerSocket socket = new ServerSocket(0)) {
			this.metricsPort = socket.getLocalPort();
		}
		this.client.configMaps()
			.inNamespace(NAMESPACE)
			.resource(new ConfigMapBuilder().withNewMetadata()
				.withName("cnn-service-worker-template")
				.endMetadata()
				.addToData("pod-template.yaml", new KubernetesSerialization().asYaml(template(store)))
				.build())
			.create();
		this.node = new TestNode(this.client, NAMESPACE, dir);
		String[] args = { "--cnn.training.runner=kubernetes",
				"--cnn.training.kubernetes.api-server=" + this.client.getMasterUrl(),
				"--cnn.training.kubernetes.namespace=" + NAMESPACE,
				"--cnn.training.kubernetes.jobs.reconcile-interval=300ms",
				"--cnn.training.kubernetes.jobs.metrics-port=" + this.metricsPort,
				"--cnn.training.kubernetes.pods.max-cpu=4" };
		CompletableFuture<ServiceProcess> second = CompletableFuture.supplyAsync(() -> {
			try {
				return ServiceProcess.start(store, dir.resolve("replica.log"), args);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		this.api = ServiceProcess.start(store, dir.resolve("api.log"), args);
		this.replica = second.get(3, TimeUnit.MINUTES);
	}

	/** The operator's pod template: here, the test's own Java and classes. */
	private static PodTemplateSpec template(Path store) {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		return new PodTemplateSpecBuilder().withNewMetadata()
			.addToLabels("app.kubernetes.io/part-of", "cnn-service")
			.endMetadata()
			.withNewSpec()
			.withServiceAccountName("cnn-service-worker")
			.addNewContainer()
			.withName("worker")
			.withImage("cnn-service:test")
			.withCommand(Stream
				.of(List.of(java, "-Dai.djl.offline=true"), ServiceProcess.JVM_OPTIONS,
						List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), "io.cnnservice.Application"))
				.flatMap(List::stream)
				.toList())
			.addNewEnv()
			.withName("CNN_MODEL_STORE")
			.withValue(store.toString())
			.endEnv()
			.addNewEnv()
			.withName("CNN_DATASETS_ROOT")
			.withValue(TestDatasets.root().toString())
			.endEnv()
			.addNewEnv()
			.withName("CNN_DATASETS_DOWNLOAD")
			.withValue("false")
			.endEnv()
			.endContainer()
			.endSpec()
			.build();
	}

	@AfterAll
	void stop() throws Exception {
		if (this.node != null) {
			this.node.close();
		}
		if (this.api != null) {
			this.api.close();
		}
		if (this.replica != null) {
			this.replica.close();
		}
		if (this.client != null) {
			this.client.close();
		}
		if (this.server != null) {
			this.server.destroy();
		}
	}

	@Test
	void aJobRunsAsAKubernetesJobWhoseWorkerTrainsAndRegistersTheModel() throws Exception {
		String id = this.api.submit("""
				{"architecture": "lenet", "dataset": "mnist", "epochs": 2, "trainLimit": 640, "testLimit": 200,
				 "seed": 7, "modelName": "cluster-lenet", "resources": {"cpu": "1", "memory": "3Gi"},
				 "activeDeadlineSeconds": 3600}""");
		Job job = jobOf(id);
		assertThat(job.getMetadata().getLabels()).containsEntry("cnn-service/job-id", id)
			.containsEntry("cnn-service/model", "cluster-lenet")
			.containsEntry("app.kubernetes.io/component", "training-worker");
		assertThat(job.getMetadata().getAnnotations()).containsEntry("cnn-service/architecture", "lenet")
			.containsEntry("cnn-service/dataset", "mnist");
		assertThat(job.getSpec().getBackoffLimit()).isEqualTo(3);
		assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
		assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(3600);
		PodTemplateSpec pod = job.getSpec().getTemplate();
		assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
		assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("cnn-service-worker");
		assertThat(pod.getMetadata().getLabels()).containsEntry("cnn-service/job-id", id)
			.containsEntry("app.kubernetes.io/part-of", "cnn-service");
		Container worker = pod.getSpec().getContainers().get(0);
		assertThat(worker.getArgs()).contains("--cnn.worker.job-id=" + id,
				"--cnn.worker.metrics-port=" + this.metricsPort);
		assertThat(worker.getResources().getRequests()).containsEntry("cpu", new Quantity("1"))
			.containsEntry("memory", new Quantity("3Gi"));
		assertThat(worker.getResources().getLimits()).containsEntry("memory", new Quantity("3Gi"))
			.doesNotContainKey("nvidia.com/gpu");
		assertThat(worker.getPorts()).anySatisfy(p -> {
			assertThat(p.getName()).isEqualTo("metrics");
			assertThat(p.getContainerPort()).isEqualTo(this.metricsPort);
		});

		JsonNode done = this.api.waitUntilFinished(id, Duration.ofMinutes(3));
		assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
		assertThat(done.get("history")).hasSize(2);
		assertThat(done.get("modelVersion").asInt()).isEqualTo(1);
		JsonNode model = this.api.get("/api/v1/models/cluster-lenet");
		assertThat(model.toString()).contains("\"jobId\":\"" + id + "\"");
		// the worker exited 0, so the Job completes
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (KubernetesJobs.condition(jobOf(id), "Complete") == null && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(KubernetesJobs.condition(jobOf(id), "Complete")).isNotNull();

		// the other replica answers for it too
		JsonNode there = this.replica.get("/api/v1/training-jobs/" + id);
		assertThat(there.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(there.get("history")).isEqualTo(done.get("history"));
		assertThat(this.replica.get("/api/v1/training-jobs").toString()).contains("\"id\":\"" + id + "\"");
	}

	@Test
	void cancelThroughTheOtherReplicaDeletesTheJobAndEndsItsWorkerAndResumeStartsANewOne() throws Exception {
		String id = this.api.submit("""
				{"architecture": "lenet", "dataset": "mnist", "epochs": 500, "batchSize": 16, "trainLimit": 1920,
				 "testLimit": 100, "seed": 3, "modelName": "cluster-cancel"}""");
		JsonNode running = this.replica.waitFor(id,
				j -> j.get("status").asString().equals("RUNNING") && j.get("progress").get("batch").asInt() > 0,
				Duration.ofMinutes(2));
		assertThat(running.get("progress").get("epochs").asInt()).isEqualTo(500);
		String jobName = jobOf(id).getMetadata().getName();
		Process worker = this.node.process(jobName);
		assertThat(worker).isNotNull();

		// the worker's own metrics, with the job's id
		String metrics = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.metricsPort + "/metrics")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		assertThat(metrics).contains("cnn_training_images_total{").contains("job_id=\"" + id + "\"");

		HttpResponse<String> cancel = this.replica.post("/api/v1/training-jobs/" + id + "/cancel", "");
		assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
		assertThat(this.client.batch().v1().jobs().inNamespace(NAMESPACE).withName(jobName).get()).isNull();
		assertThat(worker.waitFor(60, TimeUnit.SECONDS)).as("the worker ended").isTrue();
		JsonNode ended = this.api.waitUntilFinished(id, Duration.ofSeconds(30));
		assertThat(ended.get("status").asString()).isEqualTo("CANCELLED");
		assertThat(ended.get("error").asString()).isEqualTo("cancelled by request");

		// resumed through the first replica: a new Job, whose worker continues from the
		// cancel's checkpoint
		HttpResponse<String> resume = this.api.post("/api/v1/training-jobs/" + id + "/resume", "");
		assertThat(resume.statusCode()).as(resume.body()).isEqualTo(202);
		Job again = jobOf(id);
		assertThat(again.getMetadata().getName()).isNotEqualTo(jobName);
		JsonNode resumed = this.replica.waitFor(id,
				j -> j.get("status").asString().equals("RUNNING") && j.get("recovery").has("resumedFrom"),
				Duration.ofMinutes(2));
		assertThat(resumed.get("recovery").get("resumedFrom").get("batch").asInt()
				+ resumed.get("recovery").get("resumedFrom").get("epoch").asInt())
			.isPositive();
		assertThat(this.replica.post("/api/v1/training-jobs/" + id + "/cancel", "").statusCode()).isEqualTo(202);
		assertThat(this.api.waitUntilFinished(id, Duration.ofSeconds(60)).get("status").asString())
			.isEqualTo("CANCELLED");
	}

	@Test
	void aWorkerKilledWithSigkillIsStartedAgainAndResumesFromItsCheckpoint() throws Exception {
		String id = this.api.submit("""
				{"architecture": "lenet", "dataset": "mnist", "epochs": 12, "batchSize": 16, "trainLimit": 1600,
				 "testLimit": 100, "seed": 5, "modelName": "cluster-resume"}""");
		this.api.waitFor(id, j -> j.get("history").size() >= 2, Duration.ofMinutes(2));
		String jobName = jobOf(id).getMetadata().getName();
		Process first = this.node.process(jobName);
		first.destroyForcibly();
		assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

		JsonNode done = this.api.waitUntilFinished(id, Duration.ofMinutes(3));
		assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
		assertThat(done.get("history")).hasSize(12);
		assertThat(done.get("recovery").get("restarts").asInt()).isEqualTo(1);
		assertThat(done.get("recovery").get("resumedFrom").get("epoch").asInt()).isGreaterThanOrEqualTo(2);
		assertThat(this.node.started()).contains(jobName + "-0", jobName + "-1");
		assertThat(jobOf(id).getStatus().getFailed()).isEqualTo(1);
	}

	@Test
	void aGpuJobAsksForAGpuAndWaitsQueuedSayingWhyInTheSchedulersWords() throws Exception {
		String id = this.api.submit("""
				{"architecture": "lenet", "dataset": "mnist", "epochs": 1, "trainLimit": 640,
				 "modelName": "cluster-gpu", "resources": {"gpu": 1}}""");
		Job job = jobOf(id);
		Container worker = job.getSpec().getTemplate().getSpec().getContainers().get(0);
		assertThat(worker.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
		assertThat(worker.getResources().getRequests()).containsEntry("cpu", new Quantity("2"))
			.containsEntry("memory", new Quantity("4Gi"));
		assertThat(job.getSpec().getTemplate().getSpec().getNodeSelector()).containsEntry("nvidia.com/gpu.present",
				"true");
		assertThat(job.getSpec().getTemplate().getSpec().getTolerations())
			.anySatisfy(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));

		JsonNode waiting = this.replica.waitFor(id,
				j -> j.has("error") && j.get("error").asString().contains("Insufficient nvidia.com/gpu"),
				Duration.ofSeconds(30));
		assertThat(waiting.get("status").asString()).isEqualTo("QUEUED");
		assertThat(waiting.get("progress").get("phase").asString()).isEqualTo("pending");
		assertThat(waiting.get("error").asString()).isEqualTo("waiting for a node: " + TestNode.NO_GPU);

		assertThat(this.api.post("/api/v1/training-jobs/" + id + "/cancel", "").statusCode()).isEqualTo(202);
		assertThat(this.api.get("/api/v1/training-jobs/" + id).get("status").asString()).isEqualTo("CANCELLED");
		assertThat(this.client.batch()
			.v1()
			.jobs()
			.inNamespace(NAMESPACE)
			.withLabel("cnn-service/job-id", id)
			.list()
			.getItems()).isEmpty();
	}

	@Test
	void requestsOverTheConfiguredMaximaAreRefusedNamingTheField() throws Exception {
		HttpResponse<String> tooMuch = this.api.post("/api/v1/training-jobs", """
				{"architecture": "lenet", "dataset": "mnist", "resources": {"cpu": "16"}}""");
		assertThat(tooMuch.statusCode()).isEqualTo(400);
		assertThat(tooMuch.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(tooMuch.body()).contains("resources.cpu").contains("cnn.training.kubernetes.pods.max-cpu");
		HttpResponse<String> gpus = this.api.post("/api/v1/training-jobs", """
				{"architecture": "lenet", "dataset": "mnist", "resources": {"gpu": 2}}""");
		assertThat(gpus.statusCode()).isEqualTo(400);
		assertThat(gpus.body()).contains("resources.gpu");
		assertThat(this.client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems()).noneMatch(j -> j.getSpec()
			.getTemplate()
			.getSpec()
			.getContainers()
			.get(0)
			.getResources()
			.getRequests()
			.get("cpu")
			.equals(new Quantity("16")));
	}

	@Test
	void withoutItsPodTemplateTheClusterRefusesJobsWith503NamingIt() throws Exception {
		var templates = this.client.configMaps().inNamespace(NAMESPACE).withName("cnn-service-worker-template");
		var template = templates.get();
		templates.delete();
		try {
			HttpResponse<String> refused = this.api.post("/api/v1/training-jobs",
					"{\"architecture\": \"lenet\", \"dataset\": \"mnist\", \"modelName\": \"cluster-no-template\"}");
			assertThat(refused.statusCode()).isEqualTo(503);
			assertThat(refused.headers().firstValue("Retry-After")).isPresent();
			assertThat(refused.body()).contains("cnn-service-worker-template");
			assertThat(this.api.get("/api/v1/training-jobs").toString()).doesNotContain("cluster-no-template");
		}
		finally {
			template.getMetadata().setResourceVersion(null);
			this.client.configMaps().inNamespace(NAMESPACE).resource(template).create();
		}
	}

	private Job jobOf(String id) {
		List<Job> jobs = this.client.batch()
			.v1()
			.jobs()
			.inNamespace(NAMESPACE)
			.withLabel("cnn-service/job-id", id)
			.list()
			.getItems();
		assertThat(jobs).as("Jobs of " + id).hasSize(1);
		return jobs.get(0);
	}

}
