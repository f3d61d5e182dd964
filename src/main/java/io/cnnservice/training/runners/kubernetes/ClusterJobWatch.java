package io.cnnservice.training.runners.kubernetes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.cnnservice.training.api.JobStatus;
import io.cnnservice.training.api.TrainingJobView;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Reads the cluster for jobs no worker is running, and writes what it says into their
 * records: why a queued job's pod waits, in the scheduler's own words, and that a job
 * whose Job failed for good (retries used up, deadline passed) or vanished has failed.
 * Every API replica does this; the writes are the same whoever makes them.
 */
class ClusterJobWatch implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ClusterJobWatch.class);

	/** A job without a Job this long after it was submitted has lost it. */
	private static final Duration GRACE = Duration.ofSeconds(60);

	private final KubernetesJobs jobs;

	private final KubernetesClient client;

	private final KubernetesRunner runner;

	private final Duration interval;

	private ScheduledExecutorService timer;

	ClusterJobWatch(KubernetesJobs jobs, KubernetesClient client, KubernetesRunner runner,
			KubernetesRunnerProperties properties) {
		this.jobs = jobs;
		this.client = client;
		this.runner = runner;
		this.interval = properties.jobs().reconcileInterval();
	}

	@Override
	public void start() {
		this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "cluster-jobs");
			t.setDaemon(true);
			return t;
		});
		this.timer.scheduleWithFixedDelay(this::safely, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void safely() {
		try {
			reconcile();
		}
		catch (KubernetesClientException | IllegalStateException ex) {
			// the API server may be away for a moment; look again next time
			log.warn("Cannot read training Jobs from the cluster: {}", ex.getMessage());
		}
	}

	void reconcile() {
		List<TrainingJobView> open = this.runner.unfinished();
		if (open.isEmpty()) {
			return;
		}
		Map<String, List<Job>> jobsById = this.jobs.workerJobs()
			.stream()
			.collect(Collectors.groupingBy(j -> j.getMetadata().getLabels().get(JobSpecs.JOB_ID_LABEL)));
		Map<String, List<Pod>> podsById = this.client.pods()
			.inNamespace(this.jobs.namespace())
			.withLabel(JobSpecs.COMPONENT_LABEL, JobSpecs.COMPONENT)
			.list()
			.getItems()
			.stream()
			.collect(Collectors.groupingBy(p -> p.getMetadata().getLabels().get(JobSpecs.JOB_ID_LABEL)));
		for (TrainingJobView view : open) {
			List<Job> mine = jobsById.getOrDefault(view.id(), List.of());
			if (mine.isEmpty()) {
				if (view.timeline().createdAt().plus(GRACE).isBefore(Instant.now())) {
					this.runner.failed(view.id(),
							"its Kubernetes Job is gone (deleted, or removed after it finished) before the job ended");
				}
				continue;
			}
			JobCondition failed = mine.stream()
				.map(j -> KubernetesJobs.condition(j, "Failed"))
				.filter(Objects::nonNull)
				.findFirst()
				.orElse(null);
			if (failed != null && mine.stream().allMatch(KubernetesJobs::finished)) {
				this.runner.failed(view.id(), "its Kubernetes Job failed: " + failed.getReason()
						+ ((failed.getMessage() != null) ? ": " + failed.getMessage() : ""));
				continue;
			}
			if (view.status() == JobStatus.QUEUED) {
				String waiting = podsById.getOrDefault(view.id(), List.of())
					.stream()
					.map(ClusterJobWatch::whyWaiting)
					.filter(Objects::nonNull)
					.findFirst()
					.orElse(null);
				if (waiting != null) {
					this.runner.waiting(view.id(), waiting);
				}
			}
		}
	}

	/** Why a pending pod does not run, as the scheduler or the kubelet put it. */
	static String whyWaiting(Pod pod) {
		if (pod.getStatus() == null || !"Pending".equals(pod.getStatus().getPhase())) {
			return null;
		}
		if (pod.getStatus().getConditions() != null) {
			for (PodCondition c : pod.getStatus().getConditions()) {
				if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()) && c.getMessage() != null) {
					return "waiting for a node: " + c.getMessage();
				}
			}
		}
		if (pod.getStatus().getContainerStatuses() != null) {
			for (ContainerStatus s : pod.getStatus().getContainerStatuses()) {
				if (s.getState() != null && s.getState().getWaiting() != null
						&& s.getState().getWaiting().getReason() != null) {
					var w = s.getState().getWaiting();
					return "waiting for its container: " + w.getReason()
							+ ((w.getMessage() != null) ? ": " + w.getMessage() : "");
				}
			}
		}
		return null;
	}

	@Override
	public void stop() {
		if (this.timer != null) {
			this.timer.shutdownNow();
			this.timer = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.timer != null;
	}

}
