package io.cnnservice.training.api;

import io.cnnservice.problems.ClientErrorException;

import org.springframework.http.HttpStatus;

/** A job that cannot be resumed: it succeeded, is not over, or has no checkpoint. */
public class JobNotResumableException extends ClientErrorException {

	private JobNotResumableException(String message) {
		super(HttpStatus.CONFLICT, "conflict", "Conflict", message);
	}

	public static JobNotResumableException because(String id, String reason) {
		return new JobNotResumableException("Training job '" + id + "' cannot be resumed: " + reason);
	}

}
