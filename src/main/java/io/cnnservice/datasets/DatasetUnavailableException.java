package io.cnnservice.datasets;

import io.cnnservice.problems.ClientErrorException;

import org.springframework.http.HttpStatus;

/**
 * The dataset is known but cannot be used now: missing, not downloadable or malformed.
 */
public class DatasetUnavailableException extends ClientErrorException {

	private final String name;

	private DatasetUnavailableException(String name, String message, Throwable cause) {
		super(HttpStatus.UNPROCESSABLE_CONTENT, "dataset-unavailable", "Dataset not available", message);
		this.name = name;
		if (cause != null) {
			initCause(cause);
		}
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
