package io.cnnservice.inference;

/**
 * The pixels one classify request may still have decoded
 * ({@code cnn.inference.max-request-pixels}), spent from each image's header before it is
 * decoded.
 */
final class PixelBudget {

	private final long limit;

	private long spent;

	PixelBudget(long limit) {
		this.limit = limit;
	}

	/**
	 * @throws InvalidImageException (413) when the request's images pass the limit
	 */
	void spend(String file, long pixels) {
		this.spent += pixels;
		if (this.spent > this.limit) {
			throw InvalidImageException.tooLarge(file, "the files up to this one hold " + this.spent
					+ " pixels; one request may hold at most " + this.limit + " (cnn.inference.max-request-pixels)");
		}
	}

}
