package io.cnnservice.training.api;

import io.cnnservice.problems.ClientErrorException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * Every worker is busy and the waiting queue is full, or the service is shutting down.
 */
public class TrainingQueueFullException extends ClientErrorException {

	private TrainingQueueFullException(String message, int retryAfterSeconds) {
		super(HttpStatus.SERVICE_UNAVAILABLE, "queue-full", "Training queue full", message);
		header(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
	}

	public static TrainingQueueFullException withCapacity(int running, int queued, int retryAfterSeconds) {
		return new TrainingQueueFullException(
				"The training queue is full (" + running + " running, " + queued + " waiting); try again later",
				retryAfterSeconds);
	}

	public static TrainingQueueFullException clusterFull(long active, int max, int retryAfterSeconds) {
		return new TrainingQueueFullException(
				"As many training Jobs as allowed exist in the cluster (" + active
						+ " of cnn.training.kubernetes.max-active-jobs " + max + "); try again when one has finished",
				retryAfterSeconds);
	}

	/**
	 * The cluster cannot take the job now: its API server is away, or its template is.
	 */
	public static TrainingQueueFullException clusterUnavailable(String why, int retryAfterSeconds) {
		return new TrainingQueueFullException("The cluster cannot run training Jobs now: " + why, retryAfterSeconds);
	}

	public static TrainingQueueFullException draining(int retryAfterSeconds) {
		return new TrainingQueueFullException(
				"The service is shutting down and takes no new jobs; submit again shortly, to another replica or to this one once it is back",
				retryAfterSeconds);
	}

}
