package io.cnnservice.training.optim;

import ai.djl.training.tracker.Tracker;
import io.cnnservice.training.api.TrainingRequest;

/**
 * The learning rate as a pure function of the update number, so the rate reported for an
 * epoch is exactly the one the optimiser used (DJL's multi-factor tracker keeps state).
 *
 * @param kind constant, step or cosine
 * @param base the initial learning rate
 * @param batchesPerEpoch updates per epoch
 * @param epochs epochs of the job
 * @param stepEpochs step schedule: epochs between decays
 * @param gamma step schedule: factor per decay
 */
public record LearningRateSchedule(TrainingRequest.LrSchedule kind, float base, int batchesPerEpoch, int epochs,
		int stepEpochs, float gamma) implements Tracker {

	/** The schedule of a request with its defaults filled in. */
	public static LearningRateSchedule of(TrainingRequest.Schedule schedule, TrainingRequest.Optimization optimization,
			int epochs, int batchesPerEpoch) {
		return new LearningRateSchedule(schedule.lrSchedule(), optimization.learningRate().floatValue(),
				batchesPerEpoch, epochs, schedule.lrStepEpochs(), schedule.lrGamma().floatValue());
	}

	/**
	 * @param numUpdate 1 for the first update
	 */
	@Override
	public float getNewValue(int numUpdate) {
		int done = Math.max(numUpdate - 1, 0);
		return switch (this.kind) {
			case CONSTANT -> this.base;
			case STEP -> this.base * (float) Math.pow(this.gamma, (done / this.batchesPerEpoch) / this.stepEpochs);
			case COSINE -> {
				long total = (long) this.batchesPerEpoch * this.epochs;
				yield (float) (this.base * 0.5 * (1 + Math.cos(Math.PI * Math.min(done, total) / total)));
			}
		};
	}

	/** The rate used by the last update of an epoch (1-based). */
	public float atEndOfEpoch(int epoch) {
		return getNewValue(epoch * this.batchesPerEpoch);
	}

}
