package io.cnnservice.inference;

import io.cnnservice.problems.ClientErrorException;

import org.springframework.http.HttpStatus;

/** An uploaded file that cannot be classified, with the status that says why. */
public class InvalidImageException extends ClientErrorException {

	private InvalidImageException(String file, HttpStatus status, String message) {
		super(status, type(status), status.getReasonPhrase(), message);
		property("file", file);
	}

	public static InvalidImageException empty(String file) {
		return new InvalidImageException(file, HttpStatus.BAD_REQUEST, "File '" + file + "' is empty");
	}

	public static InvalidImageException unsupported(String file) {
		return new InvalidImageException(file, HttpStatus.UNSUPPORTED_MEDIA_TYPE,
				"File '" + file + "' is not a PNG, JPEG, GIF or BMP image");
	}

	public static InvalidImageException corrupt(String file, String reason) {
		return new InvalidImageException(file, HttpStatus.BAD_REQUEST,
				"File '" + file + "' is corrupt or truncated: " + reason);
	}

	public static InvalidImageException tooLarge(String file, String reason) {
		return new InvalidImageException(file, HttpStatus.PAYLOAD_TOO_LARGE,
				"File '" + file + "' is too large: " + reason);
	}

	private static String type(HttpStatus status) {
		return switch (status) {
			case UNSUPPORTED_MEDIA_TYPE -> "unsupported-image";
			case PAYLOAD_TOO_LARGE -> "image-too-large";
			default -> "invalid-image";
		};
	}

}
