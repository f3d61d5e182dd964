package io.cnnservice.problems;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** The RFC 9457 problem details this service answers errors with. */
public final class Problems {

	/** Every problem's {@code type} starts so, and ends with a stable name. */
	public static final String TYPE_PREFIX = "urn:cnn-service:problem:";

	private Problems() {
	}

	/**
	 * A problem of one of this service's types.
	 * @param type the stable name, such as {@code not-found}
	 */
	public static ProblemDetail of(HttpStatusCode status, String type, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(TYPE_PREFIX + type));
		problem.setTitle(title);
		return problem;
	}

	/** Names the fields that were wrong, as {@code errors: [{field, message}]}. */
	public static ProblemDetail withErrors(ProblemDetail problem, List<? extends Map<String, ?>> errors) {
		problem.setProperty("errors", errors);
		return problem;
	}

	/** Names the one field that was wrong. */
	public static ProblemDetail withField(ProblemDetail problem, String field, String message) {
		return withErrors(problem, List.of(Map.of("field", field, "message", message)));
	}

}
