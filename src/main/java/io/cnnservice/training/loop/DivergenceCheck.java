package io.cnnservice.training.loop;

import java.util.Locale;

/**
 * Fails the job once the train loss is no longer a finite number: the weights are then
 * NaN or infinite and every later step only spends time. Reads the running totals every
 * {@link #EVERY} batches (on a GPU each read syncs the device).
 */
public final class DivergenceCheck implements LoopListener {

	static final int EVERY = 20;

	private final int batches;

	private final double learningRate;

	public DivergenceCheck(int batches, double learningRate) {
		this.batches = batches;
		this.learningRate = learningRate;
	}

	@Override
	public void afterBatch(LoopState s) {
		if (s.batch % EVERY == 0 || s.batch == this.batches) {
			s.totals.read();
			if (!Double.isFinite(s.lossSum())) {
				throw new Diverged(s.epoch, s.batch, this.learningRate);
			}
		}
	}

	/** The job's loss went to NaN or infinity. */
	static final class Diverged extends RuntimeException {

		Diverged(int epoch, int batch, double learningRate) {
			super(String.format(Locale.ROOT,
					"training diverged: the train loss stopped being a finite number by epoch %d, batch %d, and no model was saved; "
							+ "a lower learningRate than %s (or a schedule that starts lower) usually prevents it",
					epoch, batch, learningRate));
		}

	}

}
