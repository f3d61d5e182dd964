package io.cnnservice.training.runners;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where training jobs run ({@code cnn.training.*}).
 *
 * @param runner {@code local}: on this machine; {@code kubernetes}: each job as a
 * {@code batch/v1} Job, and this process never trains
 * @param isolation with the local runner, {@code process}: each job in a worker process
 * of its own; {@code thread}: in this process, sharing its cores with serving
 * @param workerThreads the engine's intra-op threads in a worker process; 0: one per core
 * but one, which the service keeps for serving (at least 1)
 */
@Validated
@ConfigurationProperties("cnn.training")
public record RunnerProperties(@DefaultValue("local") Runner runner, @DefaultValue("process") Isolation isolation,
		@DefaultValue("0") @Min(0) @Max(512) int workerThreads) {

	public enum Runner {

		LOCAL, KUBERNETES

	}

	public enum Isolation {

		PROCESS, THREAD

	}

	/** The intra-op threads a worker process is started with. */
	public int workerIntraOpThreads() {
		return (this.workerThreads > 0) ? this.workerThreads
				: Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
	}

}
