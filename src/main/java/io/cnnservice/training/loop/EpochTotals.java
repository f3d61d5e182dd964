package io.cnnservice.training.loop;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * An epoch's running train loss and correct count. {@link #of} picks where they are
 * summed: on the host for the CPU, on the engine for a GPU.
 */
abstract sealed class EpochTotals permits EpochTotals.OnHost, EpochTotals.OnEngine {

	double lossSum;

	long correctCount;

	/**
	 * @param manager the epoch's manager, which owns engine-side accumulators
	 * @param batchSize the size of a full batch
	 */
	static EpochTotals of(NDManager manager, int batchSize) {
		return manager.getDevice().isGpu() ? new OnEngine(manager, batchSize) : new OnHost();
	}

	/**
	 * Adds one batch.
	 * @param meanLoss the batch's mean loss, still attached to its autograd graph
	 * @param logits the batch's outputs
	 * @param labels the batch's labels (INT64)
	 * @param count images in the batch
	 */
	abstract void add(NDArray meanLoss, NDArray logits, NDArray labels, int count);

	/** Brings {@link #lossSum} and {@link #correct} up to date. */
	abstract void read();

	/** Starts from the totals of batches done before (a checkpoint's). */
	abstract void restore(double loss, long correct);

	/** Sum of per-image losses as of the last {@link #read}. */
	double lossSum() {
		return this.lossSum;
	}

	/** Correct predictions as of the last {@link #read}. */
	long correct() {
		return this.correctCount;
	}

	/**
	 * Reads each batch's loss and logits straight from the engine's memory and counts in
	 * Java. On the CPU the step has finished by the time it returns, so nothing waits,
	 * and no engine operation makes a new tensor per batch as {@link OnEngine} does.
	 */
	static final class OnHost extends EpochTotals {

		@Override
		void add(NDArray meanLoss, NDArray logits, NDArray labels, int count) {
			this.lossSum += (double) meanLoss.toByteBuffer(true).asFloatBuffer().get(0) * count;
			FloatBuffer scores = logits.toByteBuffer(true).asFloatBuffer();
			LongBuffer truth = labels.toByteBuffer(true).asLongBuffer();
			int classes = (int) (scores.remaining() / count);
			for (int i = 0; i < count; i++) {
				// the first of equal maxima, as the engine's argMax picks
				int best = 0;
				float bestScore = scores.get(i * classes);
				for (int c = 1; c < classes; c++) {
					float s = scores.get(i * classes + c);
					if (s > bestScore) {
						best = c;
						bestScore = s;
					}
				}
				if (best == truth.get(i)) {
					this.correctCount++;
				}
			}
		}

		@Override
		void read() {
			// always current
		}

		@Override
		void restore(double loss, long correct) {
			this.lossSum = loss;
			this.correctCount = correct;
		}

	}

	/**
	 * Keeps the totals on the engine, so that adding a batch never waits for a GPU;
	 * {@link #read} syncs, and the loop calls it only every few batches.
	 */
	static final class OnEngine extends EpochTotals {

		private final NDArray loss;

		private final NDArray correct;

		/** The size of a full batch: the engine sums batch means, weighted against it. */
		private final int batchSize;

		OnEngine(NDManager manager, int batchSize) {
			this.batchSize = batchSize;
			this.loss = manager.zeros(new Shape());
			this.correct = manager.zeros(new Shape(), DataType.INT64);
		}

		@Override
		void add(NDArray meanLoss, NDArray logits, NDArray labels, int count) {
			// Grad mode stays on outside a gradient collector (it is the engine's
			// default), so the loss must be detached: added as it is, it would chain
			// every batch's graph onto the accumulator and keep it alive for the whole
			// epoch. Means of full batches are summed as they are; only a short last
			// batch is weighted.
			NDArray batchLoss = meanLoss.stopGradient();
			this.loss.addi((count == this.batchSize) ? batchLoss : batchLoss.mul((float) count / this.batchSize));
			this.correct.addi(logits.argMax(1).eq(labels).sum());
		}

		@Override
		void read() {
			this.lossSum = (double) this.loss.getFloat() * this.batchSize;
			this.correctCount = this.correct.getLong();
		}

		@Override
		void restore(double loss, long correct) {
			// the engine sums batch means in float: a resumed GPU epoch continues from
			// the
			// nearest float, not bit for bit
			this.loss.set(new float[] { (float) (loss / this.batchSize) });
			this.correct.set(new long[] { correct });
			read();
		}

	}

}
