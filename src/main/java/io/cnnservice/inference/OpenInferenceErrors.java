package io.cnnservice.inference;

import java.util.Map;

import io.cnnservice.models.ModelNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Errors of the open inference protocol in its own {@code {"error": "..."}} shape. */
@RestControllerAdvice(assignableTypes = OpenInferenceController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class OpenInferenceErrors {

	private static final Logger log = LoggerFactory.getLogger(OpenInferenceErrors.class);

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
		return error(HttpStatus.BAD_REQUEST, "malformed request: " + ex.getMessage());
	}

	@ExceptionHandler(PoolSaturatedException.class)
	ResponseEntity<Map<String, String>> busy(PoolSaturatedException ex) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, Integer.toString(ex.retryAfterSeconds()))
			.body(Map.of("error", ex.getMessage()));
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<Map<String, String>> unexpected(Exception ex) {
		log.error("Unexpected error in the open inference protocol", ex);
		return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error; the log has the details");
	}

	private static ResponseEntity<Map<String, String>> error(HttpStatus status, String message) {
		return ResponseEntity.status(status).body(Map.of("error", message));
	}

}
