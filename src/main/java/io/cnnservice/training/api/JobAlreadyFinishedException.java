package io.cnnservice.training.api;

import io.cnnservice.problems.ClientErrorException;

import org.springframework.http.HttpStatus;

/** A finished job cannot be cancelled. */
public class JobAlreadyFinishedException extends ClientErrorException {

	private JobAlreadyFinishedException(String message) {
		super(HttpStatus.CONFLICT, "conflict", "Conflict", message);
	}

	public static JobAlreadyFinishedException forJob(String id, JobStatus status) {
		return new JobAlreadyFinishedException("Training job '" + id + "' has already finished (" + status + ")");
	}

}
