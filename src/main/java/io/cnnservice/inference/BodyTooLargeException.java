package io.cnnservice.inference;

import java.io.IOException;

/** A JSON body over {@code cnn.inference.max-json-size}: a 413 naming the limit. */
public class BodyTooLargeException extends IOException {

	public BodyTooLargeException(long limit) {
		super("The JSON body is larger than " + limit + " bytes (cnn.inference.max-json-size); split the request");
	}

}
