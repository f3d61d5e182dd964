package io.cnnservice.training.api;

/** A job that cannot be resumed: it succeeded, is not over, or has no checkpoint. */
public class JobNotResumableException extends RuntimeException {

	private JobNotResumableException(String message) {
		super(message);
	}

	public static JobNotResumableException because(String id, String reason) {
		return new JobNotResumableException("Training job '" + id + "' cannot be resumed: " + reason);
	}

}
