package io.cnnservice.inference;

import io.cnnservice.problems.ClientErrorException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * Every predictor of the model (or every image decoder) stayed busy for the whole wait.
 */
public class PoolSaturatedException extends ClientErrorException {

	private final int retryAfterSeconds;

	public PoolSaturatedException(String model, int size, int retryAfterSeconds) {
		this("All " + size + " predictors of model '" + model + "' are busy; try again shortly", retryAfterSeconds);
	}

	private PoolSaturatedException(String message, int retryAfterSeconds) {
		super(HttpStatus.SERVICE_UNAVAILABLE, "busy", "Model busy", message);
		this.retryAfterSeconds = retryAfterSeconds;
		header(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
	}

	/** Every decode slot stayed taken for the whole wait. */
	static PoolSaturatedException decoders(int slots, int retryAfterSeconds) {
		return new PoolSaturatedException(
				"All " + slots + " image decoders are busy (cnn.inference.max-concurrent-decodes); try again shortly",
				retryAfterSeconds);
	}

	/** What the client is told to wait. */
	public int retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

}
