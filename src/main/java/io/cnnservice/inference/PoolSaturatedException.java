package io.cnnservice.inference;

/** Every predictor of the model stayed busy for the whole wait. */
public class PoolSaturatedException extends RuntimeException {

	private final int retryAfterSeconds;

	public PoolSaturatedException(String model, int size, int retryAfterSeconds) {
		super("All " + size + " predictors of model '" + model + "' are busy; try again shortly");
		this.retryAfterSeconds = retryAfterSeconds;
	}

	/** What the client is told to wait. */
	public int retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

}
