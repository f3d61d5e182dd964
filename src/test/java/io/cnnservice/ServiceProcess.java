package io.cnnservice;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service in a JVM of its own, as a user runs it, on a port of its own: for tests
 * that kill it, stop it or run two of them on one store. Its output goes to a log file.
 */
public final class ServiceProcess implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final List<String> FINISHED = List.of("SUCCEEDED", "FAILED", "CANCELLED");

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final Process process;

	private final int port;

	private final Path log;

	private ServiceProcess(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/**
	 * What every JVM a test starts is given: the first tier of the JIT compiler only. It
	 * halves the CPU a service takes to start, most of what a short test's service costs;
	 * one that trains for minutes runs a little slower on less CPU. Workers inherit it.
	 */
	public static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1");

	/**
	 * Starts the service on the test classpath and waits until it is ready.
	 * @param log where its output goes (appended, so restarts share one log)
	 * @param args more {@code --name=value} arguments
	 */
	public static ServiceProcess start(Path store, Path log, String... args) throws Exception {
		return start(store, log, List.of("-Xmx1g"), args);
	}

	/**
	 * As {@link #start(Path, Path, String...)}, with the JVM's own options.
	 * @param jvmOptions such as {@code -Xmx512m}
	 */
	public static ServiceProcess start(Path store, Path log, List<String> jvmOptions, String... args) throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dai.djl.offline=true"));
		command.addAll(JVM_OPTIONS);
		command.addAll(jvmOptions);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.cnnservice.Application",
				"--server.port=" + port, "--server.address=127.0.0.1", "--cnn.model-store.root=" + store,
				"--cnn.datasets.root=" + TestDatasets.root(), "--cnn.datasets.download=false"));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		ServiceProcess service = new ServiceProcess(process, port, log);
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (true) {
			try {
				if (service.send(HttpRequest.newBuilder(service.uri("/actuator/health/readiness")))
					.statusCode() == 200) {
					return service;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			if (!process.isAlive() || System.nanoTime() > deadline) {
				process.destroyForcibly();
				throw new IllegalStateException("the service did not start:\n" + service.log());
			}
			Thread.sleep(200);
		}
	}

	public URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
	}

	public JsonNode get(String path) throws Exception {
		return json.readTree(send(HttpRequest.newBuilder(uri(path))).body());
	}

	public HttpResponse<String> post(String path, String body) throws Exception {
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	/** Submits a training job and returns its id. */
	public String submit(String body) throws Exception {
		HttpResponse<String> response = post("/api/v1/training-jobs", body);
		if (response.statusCode() != 202) {
			throw new IllegalStateException("submit answered " + response.statusCode() + ": " + response.body());
		}
		return json.readTree(response.body()).get("id").asString();
	}

	/**
	 * Polls a job every 50 ms until the condition holds, and returns it; fails once the
	 * job has ended without it.
	 */
	public JsonNode waitFor(String id, Predicate<JsonNode> condition, Duration timeout) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		JsonNode job = get("/api/v1/training-jobs/" + id);
		while (!condition.test(job)) {
			if (System.nanoTime() > deadline || FINISHED.contains(job.get("status").asString())) {
				throw new AssertionError("job " + id + " never got there: " + job + "\n" + log());
			}
			Thread.sleep(50);
			job = get("/api/v1/training-jobs/" + id);
		}
		return job;
	}

	public JsonNode waitUntilFinished(String id, Duration timeout) throws Exception {
		return waitFor(id, j -> FINISHED.contains(j.get("status").asString()), timeout);
	}

	/** SIGKILL: the process gets no chance to do anything. */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor(30, TimeUnit.SECONDS);
	}

	/**
	 * SIGTERM, as Kubernetes sends it, then waits for the process to end.
	 * @return its exit code
	 */
	public int terminate(Duration timeout) throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			this.process.destroyForcibly();
			throw new AssertionError("the service did not stop within " + timeout + "\n" + log());
		}
		return this.process.exitValue();
	}

	/** The process id, for reading its threads under /proc. */
	public long pid() {
		return this.process.pid();
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	public String log() {
		try {
			return Files.readString(this.log);
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			kill();
		}
	}

}
