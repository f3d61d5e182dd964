package io.cnnservice.training.runners;

import java.time.Duration;
import java.util.Map;

import io.cnnservice.training.api.InvalidTrainingRequestException;
import io.cnnservice.training.api.TrainingJobView;
import io.cnnservice.training.api.TrainingQueueFullException;
import io.cnnservice.training.api.TrainingRequest;
import io.cnnservice.training.jobs.TrainingJob;

/**
 * Where and how jobs run: in this process, in a worker process per job, or in a cluster.
 * One implementation per way, chosen by configuration ({@link ConditionalOnRunner}); the
 * job service validates and records, and leaves every step that depends on where jobs run
 * to the runner.
 */
public interface JobRunner {

	/**
	 * Refuses what this runner cannot honour, naming the field.
	 * @throws InvalidTrainingRequestException when it asks for something this runner does
	 * not do
	 */
	void check(TrainingRequest request);

	/**
	 * Starts a new job (defaults filled in, not yet recorded).
	 * @return the job as recorded
	 * @throws TrainingQueueFullException when it cannot be taken now
	 */
	TrainingJobView submit(TrainingJob job);

	/** Cancels an unfinished job, at once or at its next batch. */
	TrainingJobView cancel(TrainingJob job);

	/**
	 * Queues a failed or cancelled job again, to continue from its newest checkpoint.
	 * @throws TrainingQueueFullException when it cannot be taken now
	 */
	TrainingJobView resume(TrainingJob job);

	/**
	 * Takes up the jobs in the store that are queued or running and that no live process
	 * owns. Called at start-up and at every lease heartbeat.
	 */
	default void adoptOrphans() {
	}

	/** Takes jobs (again, after a drain). */
	default void open() {
	}

	/**
	 * Stops taking jobs and has the running ones checkpoint and stay queued for the next
	 * process, within the timeout.
	 */
	void drain(Duration timeout) throws InterruptedException;

	/** Metrics ports of the worker processes this runner has running now, by job id. */
	default Map<String, Integer> workerMetricsPorts() {
		return Map.of();
	}

}
