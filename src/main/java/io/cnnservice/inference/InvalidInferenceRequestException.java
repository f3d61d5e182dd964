package io.cnnservice.inference;

/** A classify or infer request whose parameters are wrong, naming the field. */
public class InvalidInferenceRequestException extends RuntimeException {

	private final String field;

	public InvalidInferenceRequestException(String field, String message) {
		super(message);
		this.field = field;
	}

	public String field() {
		return this.field;
	}

}
