package io.cnnservice.web;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.cnnservice.problems.Problems;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.apache.tomcat.util.http.fileupload.impl.FileCountLimitExceededException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every error into an RFC 9457 {@code application/problem+json} body with a stable
 * {@code type}, naming the offending field where there is one.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

	/**
	 * Whatever a feature raises for a client carries its own status, type, detail and
	 * headers ({@link ErrorResponse}); anything else is the service's own failure.
	 */
	@ExceptionHandler(Exception.class)
	ResponseEntity<Object> any(Exception ex, WebRequest request) {
		ErrorResponse error = find(ex, ErrorResponse.class);
		if (error != null) {
			return handleExceptionInternal(ex, error.getBody(), error.getHeaders(), error.getStatusCode(), request);
		}
		log.error("Unexpected error", ex);
		return ResponseEntity.internalServerError()
			.body(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
					"The service failed to handle this request; the log has the details"));
	}

	/**
	 * Spring reports both of Tomcat's multipart refusals, too many bytes and too many
	 * parts, as an upload size error; only the cause tells them apart.
	 */
	private static ProblemDetail uploadTooLarge(MaxUploadSizeExceededException ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof FileCountLimitExceededException) {
				String detail = "Too many parts in one request: send at most cnn.inference.max-files files per request";
				return Problems.withField(
						Problems.of(HttpStatus.PAYLOAD_TOO_LARGE, "too-many-files", "Payload Too Large", detail),
						"file", detail);
			}
		}
		return Problems.of(HttpStatus.PAYLOAD_TOO_LARGE, "image-too-large", "Payload Too Large",
				"The upload is larger than the limit (cnn.inference.max-file-size per file): " + ex.getMessage());
	}

	/** Spring Security's firewall: encoded slashes, dots or semicolons in the path. */
	@ExceptionHandler(RequestRejectedException.class)
	ProblemDetail rejected(RequestRejectedException ex) {
		return Problems.of(HttpStatus.BAD_REQUEST, "invalid-path", "Invalid path",
				"The request path is not allowed: " + ex.getMessage());
	}

	/**
	 * A multipart body that does not parse: no boundary, cut short, parts not form data.
	 */
	@ExceptionHandler(MultipartException.class)
	ProblemDetail malformedMultipart(MultipartException ex) {
		Throwable cause = (ex.getRootCause() != null) ? ex.getRootCause() : ex;
		return Problems.of(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request",
				"The multipart body could not be read (send multipart/form-data with a boundary, and each image as a "
						+ "complete part named 'file'): " + cause.getMessage());
	}

	/** Tomcat's refusal of a query string with a bad percent-encoding. */
	@ExceptionHandler(InvalidParameterException.class)
	ProblemDetail malformedParameters(InvalidParameterException ex) {
		return Problems.of(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request",
				"The query string could not be decoded (a '%' must be followed by two hex digits of UTF-8): "
						+ ex.getMessage());
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ProblemDetail typeMismatch(MethodArgumentTypeMismatchException ex) {
		String detail = "'"
				+ ex.getName() + "' must be " + ((ex.getRequiredType() != null)
						? "a valid " + ex.getRequiredType().getSimpleName().toLowerCase() : "valid")
				+ ", got '" + ex.getValue() + "'";
		return Problems.withField(Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail),
				ex.getName(), detail);
	}

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<Map<String, Object>> errors = new ArrayList<>();
		Object target = ex.getBindingResult().getTarget();
		ex.getBindingResult()
			.getFieldErrors()
			.forEach(e -> errors.add(Map.of("field",
					(target != null) ? JsonFieldNames.of(target.getClass(), e.getField()) : e.getField(), "message",
					String.valueOf(e.getDefaultMessage()))));
		ex.getBindingResult()
			.getGlobalErrors()
			.forEach(e -> errors
				.add(Map.of("field", e.getObjectName(), "message", String.valueOf(e.getDefaultMessage()))));
		String detail = errors.stream()
			.map(e -> e.get("field") + ": " + e.get("message"))
			.sorted()
			.collect(Collectors.joining("; "));
		return ResponseEntity.badRequest()
			.body(Problems.withErrors(Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail),
					errors));
	}

	@Override
	protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<Map<String, Object>> errors = new ArrayList<>();
		ex.getParameterValidationResults()
			.forEach(r -> r.getResolvableErrors()
				.forEach(e -> errors.add(Map.of("field", String.valueOf(r.getMethodParameter().getParameterName()),
						"message", String.valueOf(e.getDefaultMessage())))));
		String detail = errors.stream()
			.map(e -> e.get("field") + ": " + e.get("message"))
			.collect(Collectors.joining("; "));
		return ResponseEntity.badRequest()
			.body(Problems.withErrors(Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail),
					errors));
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ErrorResponse cause = find(ex, ErrorResponse.class);
		if (cause != null) {
			// the body's reading was stopped on purpose (too large)
			return handleExceptionInternal(ex, cause.getBody(), cause.getHeaders(), cause.getStatusCode(), request);
		}
		String field = null;
		String detail;
		DatabindException databind = find(ex, DatabindException.class);
		JacksonException jackson = find(ex, JacksonException.class);
		if (databind != null && !databind.getPath().isEmpty()) {
			field = databind.getPath()
				.stream()
				.map(r -> (r.getPropertyName() != null) ? r.getPropertyName() : "[" + r.getIndex() + "]")
				.collect(Collectors.joining("."))
				.replace(".[", "[");
			if (databind instanceof UnrecognizedPropertyException) {
				detail = "Unknown field '" + field + "'";
			}
			else {
				IllegalArgumentException reason = find(ex, IllegalArgumentException.class);
				detail = "Field '" + field + "' has an invalid value: "
						+ ((reason != null) ? reason.getMessage() : databind.getOriginalMessage());
			}
		}
		else if (jackson != null) {
			detail = "Malformed JSON: " + jackson.getOriginalMessage();
		}
		else {
			detail = "The request body is missing or unreadable";
		}
		ProblemDetail pd = Problems.of(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request", detail);
		if (field != null) {
			Problems.withField(pd, field, detail);
		}
		return ResponseEntity.badRequest().body(pd);
	}

	@Override
	protected ResponseEntity<Object> handleMissingServletRequestPart(MissingServletRequestPartException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		String detail = "Send at least one image as a multipart part named '" + ex.getRequestPartName() + "'";
		return ResponseEntity.badRequest()
			.body(Problems.withField(Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail),
					ex.getRequestPartName(), detail));
	}

	@Override
	protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE).body(uploadTooLarge(ex));
	}

	@Override
	protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
			WebRequest request) {
		// Spring 7 leaves the type unset (null) for its own errors, which clients read as
		// about:blank
		if (body instanceof ProblemDetail pd
				&& (pd.getType() == null || "about:blank".equals(pd.getType().toString()))) {
			pd.setType(URI.create(Problems.TYPE_PREFIX + "http-" + statusCode.value()));
		}
		return super.createResponseEntity(body, headers, statusCode, request);
	}

	private static <T> T find(Throwable ex, Class<T> type) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (type.isInstance(t)) {
				return type.cast(t);
			}
		}
		return null;
	}

}
