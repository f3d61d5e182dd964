package io.cnnservice.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import io.cnnservice.problems.Problems;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * The one writer of errors raised outside Spring MVC's handlers: those Tomcat refuses
 * before the application sees the request ({@link ProblemReportValve}), and those that
 * reach the container's {@code /error} page ({@link ProblemErrorController}). Both answer
 * with the same problem for the same status.
 */
final class ContainerProblems {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ContainerProblems() {
	}

	/**
	 * The problem of a bare status.
	 * @param message what the container said, if anything
	 * @param path the request's path, if known
	 */
	static ProblemDetail of(int status, String message, String path) {
		HttpStatus known = HttpStatus.resolve(status);
		String title = (known != null) ? known.getReasonPhrase() : "Error";
		ProblemDetail problem = Problems.of((known != null) ? known : HttpStatus.INTERNAL_SERVER_ERROR,
				"http-" + status, title, detail(status, title, message));
		problem.setStatus(status);
		if (path != null) {
			problem.setInstance(URI.create(path.replaceAll("[^A-Za-z0-9/._~-]", "_")));
		}
		return problem;
	}

	private static String detail(int status, String title, String message) {
		boolean said = message != null && !message.isBlank();
		if (status >= 500) {
			return "The service failed to handle this request; the log has the details";
		}
		if (status == 400 && said) {
			return "The request is not valid HTTP for this service: its path or query has a bad percent-encoding, "
					+ "an encoded '/', '\\' or NUL, or characters outside ASCII (" + message + ")";
		}
		return "The request was refused: " + (said ? message : title);
	}

	/**
	 * The problem as the body of an answer, its properties beside the standard members.
	 */
	static byte[] json(ProblemDetail problem) {
		Map<String, Object> members = new LinkedHashMap<>();
		members.put("type", String.valueOf(problem.getType()));
		members.put("title", problem.getTitle());
		members.put("status", problem.getStatus());
		members.put("detail", problem.getDetail());
		if (problem.getInstance() != null) {
			members.put("instance", problem.getInstance().toString());
		}
		if (problem.getProperties() != null) {
			members.putAll(problem.getProperties());
		}
		return JSON.writeValueAsBytes(members);
	}

}
