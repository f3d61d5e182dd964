package io.cnnservice.training;

/**
 * Runs jobs on a cluster, each in a worker of its own (the kubernetes runner). The job's
 * record in the shared store stays the truth of its progress; the cluster only runs it.
 */
public interface ClusterJobs {

	/**
	 * Creates what runs the job's worker.
	 * @throws InvalidTrainingRequestException when the request asks for more than the
	 * cluster allows
	 * @throws TrainingQueueFullException when as many jobs as allowed exist already
	 */
	void launch(TrainingJobView job);

	/** Deletes what runs the job; its worker, if one runs, is sent SIGTERM. */
	void stop(String jobId);

}
