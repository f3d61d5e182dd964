package io.cnnservice.training.api;

/** A finished job cannot be cancelled. */
public class JobAlreadyFinishedException extends RuntimeException {

	private JobAlreadyFinishedException(String message) {
		super(message);
	}

	public static JobAlreadyFinishedException forJob(String id, JobStatus status) {
		return new JobAlreadyFinishedException("Training job '" + id + "' has already finished (" + status + ")");
	}

}
