package io.cnnservice.inference;

import io.cnnservice.problems.ClientErrorException;

import org.springframework.http.HttpStatus;

/** A classify or infer request whose parameters are wrong, naming the field. */
public class InvalidInferenceRequestException extends ClientErrorException {

	public InvalidInferenceRequestException(String field, String message) {
		super(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", message);
		field(field);
	}

}
