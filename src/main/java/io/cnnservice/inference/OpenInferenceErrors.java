package io.cnnservice.inference;

import java.util.Map;

import io.cnnservice.models.ModelNotFoundException;
import io.cnnservice.problems.BodyTooLargeException;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Errors of the open inference protocol in its own {@code {"error": "..."}} shape. What
 * it does not handle (a wrong content type, access refused, a failure of the service) is
 * a problem detail from the one error handler.
 */
@RestControllerAdvice(assignableTypes = OpenInferenceController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class OpenInferenceErrors {

	@ExceptionHandler(OpenInferenceException.class)
	ResponseEntity<Map<String, String>> protocol(OpenInferenceException ex) {
		return error(HttpStatus.valueOf(ex.status()), ex.getMessage());
	}

	@ExceptionHandler(ModelNotFoundException.class)
	ResponseEntity<Map<String, String>> notFound(ModelNotFoundException ex) {
		return error(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler({ HttpMessageNotReadableException.class, MethodArgumentTypeMismatchException.class })
	ResponseEntity<Map<String, String>> malformed(Exception ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof BodyTooLargeException tooLarge) {
				return error(HttpStatus.PAYLOAD_TOO_LARGE, tooLarge.getMessage());
			}
		}
		return error(HttpStatus.BAD_REQUEST, "malformed request: " + ex.getMessage());
	}

	@ExceptionHandler(PoolSaturatedException.class)
	ResponseEntity<Map<String, String>> busy(PoolSaturatedException ex) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, Integer.toString(ex.retryAfterSeconds()))
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("error", ex.getMessage()));
	}

	private static ResponseEntity<Map<String, String>> error(HttpStatus status, String message) {
		// the type is set, not negotiated: an Accept the protocol cannot meet must not
		// turn this answer into a 500
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(Map.of("error", message));
	}

}
