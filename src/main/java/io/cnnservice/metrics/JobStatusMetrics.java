package io.cnnservice.metrics;

import io.cnnservice.training.JobStatus;
import io.cnnservice.training.TrainingJobService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

/**
 * {@code cnn_training_jobs{status}}: jobs per status, every status present (zeros
 * included).
 */
@Component
class JobStatusMetrics implements MeterBinder {

	private final TrainingJobService jobs;

	JobStatusMetrics(TrainingJobService jobs) {
		this.jobs = jobs;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (JobStatus status : JobStatus.values()) {
			Gauge.builder("cnn.training.jobs", this.jobs, j -> j.count(status))
				.description("Training jobs by status")
				.tag("status", status.name().toLowerCase())
				.register(registry);
		}
	}

}
