package io.cnnservice.problems;

import java.io.IOException;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponse;

/**
 * A JSON body over {@code cnn.inference.max-json-size}: a 413 naming the limit. An
 * {@link IOException}, since it stops the body's reading.
 */
public class BodyTooLargeException extends IOException implements ErrorResponse {

	private final ProblemDetail body;

	public BodyTooLargeException(long limit) {
		super("The JSON body is larger than " + limit + " bytes (cnn.inference.max-json-size); split the request");
		this.body = Problems.of(HttpStatus.PAYLOAD_TOO_LARGE, "request-too-large", "Payload Too Large", getMessage());
	}

	@Override
	public HttpStatusCode getStatusCode() {
		return HttpStatus.PAYLOAD_TOO_LARGE;
	}

	@Override
	public ProblemDetail getBody() {
		return this.body;
	}

}
