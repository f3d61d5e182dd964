package io.cnnservice.inference;

/** An error in the open inference protocol, answered as {@code {"error": "..."}}. */
class OpenInferenceException extends RuntimeException {

	private final int status;

	OpenInferenceException(int status, String message) {
		super(message);
		this.status = status;
	}

	int status() {
		return this.status;
	}

}
