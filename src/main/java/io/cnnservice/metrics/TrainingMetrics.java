package io.cnnservice.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cnnservice.architectures.Architecture;
import io.cnnservice.architectures.ArchitectureCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * Training meters: images trained per architecture and dataset (a counter, registered for
 * every architecture and standard dataset at start-up so it exists before the first job),
 * checkpoints written and their time, resumes, and per-job gauges of speed, loss, test
 * accuracy and epoch for the last {@link #JOBS_KEPT} jobs. The job is the {@code job_id}
 * label: a label named {@code job} would collide with Prometheus's own target label and
 * arrive as {@code exported_job}.
 */
@Component
public class TrainingMetrics {

	/**
	 * Jobs whose gauges are kept; older ones are removed so job ids cannot grow the
	 * series without bound.
	 */
	static final int JOBS_KEPT = 20;

	static final List<String> STANDARD_DATASETS = List.of("mnist", "fashion-mnist", "cifar10");

	private final MeterRegistry registry;

	private final Counter checkpoints;

	private final Timer checkpointTime;

	private final Counter resumes;

	private final Map<String, JobGauges> jobs = new LinkedHashMap<>();

	/** The values one job's gauges read. */
	public static final class JobGauges {

		private volatile double imagesPerSecond;

		private volatile double loss = Double.NaN;

		private volatile double testAccuracy = Double.NaN;

		private volatile double epoch;

		private volatile double workerStartup = Double.NaN;

		private final List<Meter> meters = new ArrayList<>();

		private Counter images;

		/** A finished batch: counts its images and updates speed and running loss. */
		public void batch(int count, double runningLoss, double speed) {
			this.images.increment(count);
			this.loss = runningLoss;
			this.imagesPerSecond = speed;
		}

		/** Seconds from the worker process's start to the job's first batch. */
		public void workerStarted(double seconds) {
			this.workerStartup = seconds;
		}

		/**
		 * A finished epoch and its test accuracy, or null if it was not evaluated: the
		 * gauge then keeps the last evaluated accuracy.
		 */
		public void epoch(int number, Double accuracy) {
			this.epoch = number;
			if (accuracy != null) {
				this.testAccuracy = accuracy;
			}
		}

	}

	public TrainingMetrics(MeterRegistry registry, ArchitectureCatalog architectures) {
		this.registry = registry;
		for (Architecture architecture : architectures.list()) {
			for (String dataset : STANDARD_DATASETS) {
				images(architecture.name(), dataset);
			}
		}
		this.checkpoints = Counter.builder("cnn.training.checkpoints")
			.description("Checkpoints written by training jobs")
			.register(registry);
		this.checkpointTime = Timer.builder("cnn.training.checkpoint")
			.description("Time to write one checkpoint")
			.publishPercentileHistogram()
			.minimumExpectedValue(Duration.ofMillis(1))
			.maximumExpectedValue(Duration.ofMinutes(1))
			.register(registry);
		this.resumes = Counter.builder("cnn.training.resumes")
			.description("Jobs that continued from a checkpoint")
			.register(registry);
	}

	/** A checkpoint was written in this time. */
	public void checkpointWritten(Duration time) {
		this.checkpoints.increment();
		this.checkpointTime.record(time);
	}

	/** A job continued from a checkpoint. */
	public void resumed() {
		this.resumes.increment();
	}

	private Counter images(String architecture, String dataset) {
		return Counter.builder("cnn.training.images")
			.description("Training images processed")
			.baseUnit("images")
			.tag("architecture", architecture)
			.tag("dataset", dataset)
			.register(this.registry);
	}

	/**
	 * Registers the gauges of a starting job (dropping the oldest job's beyond the
	 * limit).
	 */
	public synchronized JobGauges jobStarted(String jobId, String architecture, String dataset) {
		JobGauges g = new JobGauges();
		g.images = images(architecture, dataset);
		g.meters.add(Gauge.builder("cnn.training.images.per.second", g, j -> j.imagesPerSecond)
			.description("Training speed of the job's current epoch")
			.tag("job_id", jobId)
			.register(this.registry));
		g.meters.add(Gauge.builder("cnn.training.worker.startup", g, j -> j.workerStartup)
			.description("Seconds from the job's worker process start to its first batch (NaN in the API process)")
			.baseUnit("seconds")
			.tag("job_id", jobId)
			.register(this.registry));
		g.meters.add(Gauge.builder("cnn.training.loss", g, j -> j.loss)
			.description("Mean training loss of the job's current epoch")
			.tag("job_id", jobId)
			.register(this.registry));
		g.meters.add(Gauge.builder("cnn.training.test.accuracy", g, j -> j.testAccuracy)
			.description("Test accuracy after the job's last finished epoch")
			.tag("job_id", jobId)
			.register(this.registry));
		g.meters.add(Gauge.builder("cnn.training.epoch", g, j -> j.epoch)
			.description("Last finished epoch of the job")
			.tag("job_id", jobId)
			.register(this.registry));
		this.jobs.put(jobId, g);
		Iterator<Map.Entry<String, JobGauges>> it = this.jobs.entrySet().iterator();
		while (this.jobs.size() > JOBS_KEPT && it.hasNext()) {
			it.next().getValue().meters.forEach(this.registry::remove);
			it.remove();
		}
		return g;
	}

}
