package io.cnnservice.architectures;

/** The architecture cannot be built for this input or with these options. */
public class IncompatibleArchitectureException extends RuntimeException {

	private final String field;

	public IncompatibleArchitectureException(String field, String message) {
		super(message);
		this.field = field;
	}

	/** The request field at fault: architecture, hiddenSizes, depth or width. */
	public String field() {
		return this.field;
	}

}
