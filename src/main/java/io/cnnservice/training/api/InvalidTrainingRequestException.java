package io.cnnservice.training.api;

import io.cnnservice.problems.ClientErrorException;

import org.springframework.http.HttpStatus;

/** A request that is well formed but names something that cannot be trained. */
public class InvalidTrainingRequestException extends ClientErrorException {

	private InvalidTrainingRequestException(String field, String message, int status) {
		super(HttpStatus.valueOf(status), (status == 400) ? "invalid-request" : "dataset-unavailable",
				(status == 400) ? "Invalid request" : "Dataset not available", message);
		field(field);
	}

	/** 400: the field's value is wrong. */
	public static InvalidTrainingRequestException badField(String field, String message) {
		return new InvalidTrainingRequestException(field, message, 400);
	}

	/** 422: the value is right but what it names cannot be used now. */
	public static InvalidTrainingRequestException unusable(String field, String message) {
		return new InvalidTrainingRequestException(field, message, 422);
	}

}
