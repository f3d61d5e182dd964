package io.cnnservice.architectures;

import io.cnnservice.problems.ClientErrorException;

import org.springframework.http.HttpStatus;

/** The architecture cannot be built for this input or with these options. */
public class IncompatibleArchitectureException extends ClientErrorException {

	private final String field;

	public IncompatibleArchitectureException(String field, String message) {
		super(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", message);
		this.field = field;
		field(field);
	}

	/** The request field at fault: architecture, hiddenSizes, depth or width. */
	public String field() {
		return this.field;
	}

}
