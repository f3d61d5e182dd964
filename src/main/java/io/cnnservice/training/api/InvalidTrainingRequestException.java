package io.cnnservice.training.api;

/** A request that is well formed but names something that cannot be trained. */
public class InvalidTrainingRequestException extends RuntimeException {

	private final String field;

	private final int status;

	private InvalidTrainingRequestException(String field, String message, int status) {
		super(message);
		this.field = field;
		this.status = status;
	}

	/** 400: the field's value is wrong. */
	public static InvalidTrainingRequestException badField(String field, String message) {
		return new InvalidTrainingRequestException(field, message, 400);
	}

	/** 422: the value is right but what it names cannot be used now. */
	public static InvalidTrainingRequestException unusable(String field, String message) {
		return new InvalidTrainingRequestException(field, message, 422);
	}

	public String field() {
		return this.field;
	}

	public int status() {
		return this.status;
	}

}
