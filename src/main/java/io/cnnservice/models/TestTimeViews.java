package io.cnnservice.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * The views a model scores each image under: the image itself, its mirror image
 * ({@code flip}), and the image moved {@code shift} pixels up, down, left and right (each
 * mirrored too when {@code flip}). A prediction is the mean of the logits over the views.
 * The training job's evaluation and serving both go through this class, so a served model
 * gives the accuracy its job reported.
 *
 * @param flip include mirror images
 * @param shift pixels of the four moved views, 0 for none
 */
public record TestTimeViews(boolean flip, int shift) {

	/** Just the image. */
	public static final TestTimeViews NONE = new TestTimeViews(false, 0);

	/**
	 * The views for a request's or a {@code model.json}'s optional fields, where absent
	 * means no flip and no shift.
	 */
	public static TestTimeViews of(Boolean flip, Integer shift) {
		return new TestTimeViews(Boolean.TRUE.equals(flip), (shift != null) ? shift : 0);
	}

	/** Views per image. */
	public int count() {
		return ((this.shift > 0) ? 5 : 1) * (this.flip ? 2 : 1);
	}

	/**
	 * View {@code i} (0 to {@link #count()} - 1) of a batch of normalised images
	 * {@code (n, channels, height, width)}; view 0 is the batch itself. A moved image is
	 * filled with zeros, the training set's mean colour after normalisation, as the
	 * training shifts fill it.
	 */
	public NDArray view(NDArray x, int i) {
		int moves = (this.shift > 0) ? 5 : 1;
		NDArray base = (i >= moves) ? x.flip(3) : x;
		int move = i % moves;
		if (move == 0) {
			return base;
		}
		int s = this.shift;
		int dy = (move == 1) ? -s : (move == 2) ? s : 0;
		int dx = (move == 3) ? -s : (move == 4) ? s : 0;
		return moved(base, dy, dx);
	}

	/** All views of a batch, view after view along the batch axis. */
	public NDArray expand(NDArray x) {
		if (count() == 1) {
			return x;
		}
		NDList views = new NDList(count());
		for (int i = 0; i < count(); i++) {
			views.add(view(x, i));
		}
		return NDArrays.concat(views);
	}

	/**
	 * The mean over views of logits computed on {@link #expand(NDArray)}'s output:
	 * {@code (count * n, classes)} in, {@code (n, classes)} out.
	 */
	public NDArray mean(NDArray logits) {
		if (count() == 1) {
			return logits;
		}
		Shape shape = logits.getShape();
		return logits.reshape(count(), shape.get(0) / count(), shape.get(1)).mean(new int[] { 0 });
	}

	/** The images moved by (dy, dx) pixels, the uncovered border set to zero. */
	private static NDArray moved(NDArray x, int dy, int dx) {
		Shape shape = x.getShape();
		long n = shape.get(0);
		long c = shape.get(1);
		long h = shape.get(2);
		long w = shape.get(3);
		int s = Math.max(Math.abs(dy), Math.abs(dx));
		// pad by s on every side, then cut the window whose content sits (dy, dx) away
		NDArray rows = x.getManager().zeros(new Shape(n, c, s, w), x.getDataType());
		NDArray padded = NDArrays.concat(new NDList(rows, x, rows), 2);
		NDArray cols = x.getManager().zeros(new Shape(n, c, h + 2L * s, s), x.getDataType());
		padded = NDArrays.concat(new NDList(cols, padded, cols), 3);
		long top = s - dy;
		long left = s - dx;
		return padded.get(":, :, {}:{}, {}:{}", top, top + h, left, left + w);
	}

}
