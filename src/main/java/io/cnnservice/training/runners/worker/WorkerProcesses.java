package io.cnnservice.training.runners.worker;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import io.cnnservice.Application;
import io.cnnservice.training.runners.RunnerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.stereotype.Component;

/**
 * Starts worker processes for the local runner: the same Java, the same classes or jar,
 * and this process's configuration, with the job id added. A worker shares nothing with
 * this process but the store, so training cannot starve serving of its threads or take it
 * down with a crash, and this process's restart does not stop a worker.
 */
@Component
class WorkerProcesses {

	private static final Logger log = LoggerFactory.getLogger(WorkerProcesses.class);

	private final ConfigurableEnvironment environment;

	private final RunnerProperties runners;

	/** Metrics port of each running worker, by job id. */
	private final Map<String, Integer> metricsPorts = new ConcurrentHashMap<>();

	WorkerProcesses(ConfigurableEnvironment environment, RunnerProperties runners) {
		this.environment = environment;
		this.runners = runners;
	}

	/**
	 * Runs the job's worker and waits for it to exit. Its output goes where this
	 * process's does. An interrupt stops the wait, not the worker.
	 * @return the worker's exit status
	 */
	int run(String jobId) throws IOException, InterruptedException {
		int port = freePort();
		List<String> command = command(jobId, port);
		Process process = new ProcessBuilder(command).inheritIO().start();
		log.info("Training job {} runs in worker process {} (metrics on port {})", jobId, process.pid(), port);
		this.metricsPorts.put(jobId, port);
		try {
			return process.waitFor();
		}
		finally {
			this.metricsPorts.remove(jobId);
		}
	}

	/** Metrics ports of the workers running now, by job id. */
	Map<String, Integer> metricsPorts() {
		return Map.copyOf(this.metricsPorts);
	}

	List<String> command(String jobId, int metricsPort) {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current()
			.info()
			.command()
			.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
		for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
			// a debugger's agent would claim the port this process has
			if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-Xrunjdwp")) {
				command.add(arg);
			}
		}
		String classPath = System.getProperty("java.class.path");
		if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
			// started with java -jar: the executable jar finds its own classes
			command.addAll(List.of("-jar", classPath));
		}
		else {
			command.addAll(List.of("-cp", classPath, Application.class.getName()));
		}
		forwardedProperties().forEach((name, value) -> command.add("--" + name + "=" + value));
		// a worker's threads are its own: this process's are set for serving
		command.add("--cnn.engine.intra-op-threads=" + this.runners.workerIntraOpThreads());
		command.add("--cnn.worker.job-id=" + jobId);
		command.add("--cnn.worker.metrics-port=" + metricsPort);
		return command;
	}

	/**
	 * This process's {@code cnn.*} and {@code logging.*} settings, resolved, whatever
	 * their source (command line, files, environment variables are inherited anyway).
	 */
	private Map<String, String> forwardedProperties() {
		TreeSet<String> names = new TreeSet<>();
		this.environment.getPropertySources().forEach(source -> {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					if ((name.startsWith("cnn.") || name.startsWith("logging.")) && !name.startsWith("cnn.worker.")
							&& !name.equals("cnn.engine.intra-op-threads")) {
						names.add(name);
					}
				}
			}
		});
		Map<String, String> properties = new LinkedHashMap<>();
		for (String name : names) {
			String value = this.environment.getProperty(name);
			if (value != null) {
				properties.put(name, value);
			}
		}
		return properties;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
