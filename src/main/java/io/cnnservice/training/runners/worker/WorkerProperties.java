package io.cnnservice.training.runners.worker;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Worker mode ({@code cnn.worker.*}): a process started with a job id trains that one job
 * and exits, serving nothing but its metrics.
 *
 * @param jobId the job to train; unset in the API process
 * @param metricsPort where the worker serves {@code /metrics} for Prometheus; 0 for none
 */
@Validated
@ConfigurationProperties("cnn.worker")
public record WorkerProperties(@Pattern(regexp = "[a-z0-9]{1,64}") String jobId,
		@DefaultValue("9404") @Min(0) @Max(65535) int metricsPort) {

	/** Exit status of a worker whose job succeeded, or was cancelled. */
	static final int EXIT_DONE = 0;

	/** Exit status of a worker whose job failed. */
	static final int EXIT_FAILED = 1;

	/** Exit status of a worker stopped before its job ended: run it again to resume. */
	static final int EXIT_INTERRUPTED = 3;

	/** Exit status of a worker that found its job held by another live process. */
	static final int EXIT_HELD_ELSEWHERE = 75;

	boolean isWorker() {
		return this.jobId != null;
	}

}
