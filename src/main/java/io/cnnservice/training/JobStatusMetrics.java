package io.cnnservice.training;

import io.cnnservice.Application;
import io.cnnservice.training.api.JobStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * {@code cnn_training_jobs{status}}: jobs per status, every status present (zeros
 * included). The API process's view of the store: a worker exports none, so a cluster's
 * sum counts each job once.
 */
@Component
@Profile("!" + Application.WORKER_PROFILE)
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
