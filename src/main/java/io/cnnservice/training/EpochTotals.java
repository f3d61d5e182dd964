package io.cnnservice.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * An epoch's running train loss and correct count, kept on the engine so that adding a
 * batch never waits for the device; {@link #read} syncs, and the loop calls it only every
 * few batches. Each batch costs one engine call per metric on top of the accuracy ops.
 */
final class EpochTotals {

	private final NDArray loss;

	private final NDArray correct;

	private final int batchSize;

	private double lossSum;

	private long correctCount;

	/**
	 * @param manager the epoch's manager, which owns the accumulators
	 * @param batchSize the size of a full batch
	 */
	EpochTotals(NDManager manager, int batchSize) {
		this.loss = manager.zeros(new Shape());
		this.correct = manager.zeros(new Shape(), DataType.INT64);
		this.batchSize = batchSize;
	}

	/**
	 * Adds one batch.
	 * @param meanLoss the batch's mean loss, still attached to its autograd graph
	 * @param logits the batch's outputs
	 * @param labels the batch's labels
	 * @param count images in the batch
	 */
	void add(NDArray meanLoss, NDArray logits, NDArray labels, int count) {
		// Grad mode stays on outside a gradient collector (it is the engine's default),
		// so the loss must be detached: added as it is, it would chain every batch's
		// graph onto the accumulator and keep it alive for the whole epoch. Means of
		// full batches are summed as they are; only a short last batch is weighted.
		NDArray batchLoss = meanLoss.stopGradient();
		this.loss.addi((count == this.batchSize) ? batchLoss : batchLoss.mul((float) count / this.batchSize));
		this.correct.addi(logits.argMax(1).eq(labels).sum());
	}

	/** Reads the totals back from the engine. */
	void read() {
		this.lossSum = (double) this.loss.getFloat() * this.batchSize;
		this.correctCount = this.correct.getLong();
	}

	/** Sum of per-image losses as of the last {@link #read}. */
	double lossSum() {
		return this.lossSum;
	}

	/** Correct predictions as of the last {@link #read}. */
	long correct() {
		return this.correctCount;
	}

}
