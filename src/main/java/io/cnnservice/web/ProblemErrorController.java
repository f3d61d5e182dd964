package io.cnnservice.web;

import java.net.URI;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error page ({@code /error}, for errors raised outside Spring MVC's
 * handlers) as a problem detail whatever the client accepts, in place of Boot's
 * whitelabel HTML page.
 */
@RestController
class ProblemErrorController implements ErrorController {

	@RequestMapping("/error")
	ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		HttpStatus status = (code instanceof Integer c && HttpStatus.resolve(c) != null) ? HttpStatus.valueOf(c)
				: HttpStatus.INTERNAL_SERVER_ERROR;
		String detail = status.is5xxServerError() ? "The service failed to handle this request; the log has the details"
				: "The request was refused: " + status.getReasonPhrase();
		ProblemDetail problem = ProblemHandler.problem(status, "http-" + status.value(), status.getReasonPhrase(),
				detail);
		Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
		if (uri instanceof String path) {
			problem.setInstance(URI.create(path.replaceAll("[^A-Za-z0-9/._~-]", "_")));
		}
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

}
