package io.cnnservice.problems;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponse;

/**
 * A mistake a client can cause, or a state it can run into, that carries its own answer:
 * a status, a problem detail of a stable type, and the headers that go with it. The one
 * error handler writes any {@link ErrorResponse} as it is, so it names no feature's
 * exceptions. The message is the problem's {@code detail}.
 */
public abstract class ClientErrorException extends RuntimeException implements ErrorResponse {

	private final HttpStatusCode status;

	private final ProblemDetail body;

	private final HttpHeaders headers = new HttpHeaders();

	/**
	 * @param type the problem's stable name, such as {@code not-found}
	 * @param title a short summary of the kind of problem
	 * @param detail what was wrong with this request, also the exception's message
	 */
	protected ClientErrorException(HttpStatusCode status, String type, String title, String detail) {
		super(detail);
		this.status = status;
		this.body = Problems.of(status, type, title, detail);
	}

	/** Names the field of the request that was wrong. */
	protected final void field(String field) {
		Problems.withField(this.body, field, getMessage());
	}

	/** Adds a property of this problem, such as the file that was refused. */
	protected final void property(String name, Object value) {
		this.body.setProperty(name, value);
	}

	/** Adds a header the answer carries, such as {@code Retry-After}. */
	protected final void header(String name, String value) {
		this.headers.set(name, value);
	}

	@Override
	public HttpStatusCode getStatusCode() {
		return this.status;
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.headers;
	}

	@Override
	public ProblemDetail getBody() {
		return this.body;
	}

}
