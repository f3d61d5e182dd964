package io.cnnservice.datasets;

/**
 * The dataset is known but cannot be used now: missing, not downloadable or malformed.
 */
public class DatasetUnavailableException extends RuntimeException {

	private final String name;

	private DatasetUnavailableException(String name, String message, Throwable cause) {
		super(message, cause);
		this.name = name;
	}

	public static DatasetUnavailableException because(String name, String reason) {
		return new DatasetUnavailableException(name, "Dataset '" + name + "' is not available: " + reason, null);
	}

	public static DatasetUnavailableException because(String name, String reason, Throwable cause) {
		return new DatasetUnavailableException(name, "Dataset '" + name + "' is not available: " + reason, cause);
	}

	public String name() {
		return this.name;
	}

}
