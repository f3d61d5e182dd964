package io.cnnservice.training.runners.kubernetes;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What a one-node cluster does with the Jobs in the API server, played by the test: the
 * Job controller and the kubelet. For each Job it runs the container's command and
 * arguments, with its environment, as a real local process (a pod), creates the Pod
 * object, writes the Job's status back, and starts another pod after a failure until
 * {@code backoffLimit} is used up. A deleted Job's process gets SIGTERM. The node has no
 * GPU: a pod that asks for one stays Pending, with the scheduler's message.
 */
final class TestNode implements AutoCloseable {

	static final String NO_GPU = "0/1 nodes are available: 1 Insufficient nvidia.com/gpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.";

	private final KubernetesClient client;

	private final String namespace;

	private final Path logs;

	private final Map<String, Pod> pods = new ConcurrentHashMap<>();

	private final Map<String, Process> processes = new ConcurrentHashMap<>();

	private final Map<String, Integer> failures = new ConcurrentHashMap<>();

	private final Set<String> done = ConcurrentHashMap.newKeySet();

	private final List<String> started = new ArrayList<>();

	private final Thread loop;

	private volatile boolean running = true;

	TestNode(KubernetesClient client, String namespace, Path logs) {
		this.client = client;
		this.namespace = namespace;
		this.logs = logs;
		this.loop = new Thread(this::run, "test-node");
		this.loop.setDaemon(true);
		this.loop.start();
	}

	/** Names of the pods started so far, in order. */
	synchronized List<String> started() {
		return List.copyOf(this.started);
	}

	/** The running process of the Job's current pod, if any. */
	Process process(String jobName) {
		return this.processes.get(jobName);
	}

	private void run() {
		while (this.running) {
			try {
				step();
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException | IOException ex) {
				System.err.println("test node: " + ex);
			}
		}
	}

	private void step() throws IOException {
		List<Job> jobs = this.client.batch().v1().jobs().inNamespace(this.namespace).list().getItems();
		Set<String> names = jobs.stream().map(j -> j.getMetadata().getName()).collect(Collectors.toSet());
		// deleted Jobs: their pods are terminated, as the garbage collector and kubelet
		// do
		for (String name : List.copyOf(this.processes.keySet())) {
			if (!names.contains(name)) {
				this.processes.remove(name).destroy();
			}
		}
		for (String pod : List.copyOf(this.pods.keySet())) {
			if (!names.contains(pod.substring(0, pod.lastIndexOf('-')))) {
				this.pods.remove(pod);
				this.client.pods().inNamespace(this.namespace).withName(pod).delete();
			}
		}
		for (Job job : jobs) {
			String name = job.getMetadata().getName();
			if (this.done.contains(name)) {
				continue;
			}
			Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
			if (asksForGpu(container)) {
				pendingWithoutGpu(job);
				continue;
			}
			Process process = this.processes.get(name);
			if (process == null) {
				start(job, container);
			}
			else if (!process.isAlive()) {
				exited(job, container, process.exitValue());
			}
		}
	}

	private void start(Job job, Container container) throws IOException {
		String name = job.getMetadata().getName();
		int attempt = this.failures.getOrDefault(name, 0);
		List<String> command = new ArrayList<>(container.getCommand());
		command.addAll(container.getArgs());
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.logs.resolve(name + ".log").toFile()));
		if (container.getEnv() != null) {
			for (EnvVar env : container.getEnv()) {
				builder.environment().put(env.getName(), env.getValue());
			}
		}
		Process process = builder.start();
		this.processes.put(name, process);
		String podName = name + "-" + attempt;
		synchronized (this) {
			this.started.add(podName);
		}
		createPod(job, podName, new PodStatusBuilder().withPhase("Running").build());
		JobStatus status = status(job);
		status.setActive(1);
		if (status.getStartTime() == null) {
			status.setStartTime(Instant.now().toString());
		}
		writeStatus(job, status);
	}

	private void exited(Job job, Container container, int exit) throws IOException {
		String name = job.getMetadata().getName();
		this.processes.remove(name);
		JobStatus status = status(job);
		status.setActive(0);
		if (exit == 0) {
			status.setSucceeded(1);
			status.getConditions().add(new JobConditionBuilder().withType("Complete").withStatus("True").build());
			this.done.add(name);
			writeStatus(job, status);
			return;
		}
		int failed = this.failures.merge(name, 1, Integer::sum);
		status.setFailed(failed);
		if (failed > job.getSpec().getBackoffLimit()) {
			status.getConditions()
				.add(new JobConditionBuilder().withType("Failed")
					.withStatus("True")
					.withReason("BackoffLimitExceeded")
					.withMessage("Job has reached the specified backoff limit")
					.build());
			this.done.add(name);
			writeStatus(job, status);
			return;
		}
		writeStatus(job, status);
		start(job, container);
	}

	private void pendingWithoutGpu(Job job) {
		String podName = job.getMetadata().getName() + "-0";
		if (this.pods.containsKey(podName)) {
			return;
		}
		createPod(job, podName,
				new PodStatusBuilder().withPhase("Pending")
					.addNewCondition()
					.withType("PodScheduled")
					.withStatus("False")
					.withReason("Unschedulable")
					.withMessage(NO_GPU)
					.endCondition()
					.build());
	}

	/** The Pod object of one of the Job's pods, as the Job controller creates it. */
	private void createPod(Job job, String podName, PodStatus status) {
		Pod pod = new PodBuilder().withNewMetadata()
			.withName(podName)
			.withNamespace(this.namespace)
			.withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
			.endMetadata()
			.withSpec(job.getSpec().getTemplate().getSpec())
			.withStatus(status)
			.build();
		this.pods.put(podName, this.client.pods().inNamespace(this.namespace).resource(pod).create());
	}

	private static boolean asksForGpu(Container container) {
		Map<String, Quantity> limits = (container.getResources() != null) ? container.getResources().getLimits() : null;
		return limits != null && limits.containsKey("nvidia.com/gpu");
	}

	private static JobStatus status(Job job) {
		JobStatus status = (job.getStatus() != null) ? job.getStatus() : new JobStatus();
		if (status.getConditions() == null) {
			status.setConditions(new ArrayList<>());
		}
		return status;
	}

	private void writeStatus(Job job, JobStatus status) {
		Job current = this.client.batch()
			.v1()
			.jobs()
			.inNamespace(this.namespace)
			.withName(job.getMetadata().getName())
			.get();
		if (current == null) {
			return;
		}
		current.setStatus(status);
		this.client.batch().v1().jobs().inNamespace(this.namespace).resource(current).updateStatus();
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		this.loop.interrupt();
		this.loop.join(5_000);
		for (Process process : this.processes.values()) {
			process.destroyForcibly();
			process.waitFor(10, TimeUnit.SECONDS);
		}
	}

}
