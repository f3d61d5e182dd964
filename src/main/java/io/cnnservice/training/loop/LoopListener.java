package io.cnnservice.training.loop;

import io.cnnservice.training.api.EpochResult;

/**
 * What happens around the steps of a job's training loop: progress, metrics, checkpoints,
 * stop requests, divergence, the job's record. One implementation per concern, so the
 * loop reads as the algorithm and each concern can be tested alone.
 */
public interface LoopListener {

	/** Before each training batch; may stop the loop by throwing. */
	default void beforeBatch(LoopState state) {
	}

	/** After each training batch, with the state already past it. */
	default void afterBatch(LoopState state) {
	}

	/** The epoch's batches are done and its evaluation, if due, starts. */
	default void beforeEvaluation(LoopState state) {
	}

	/**
	 * After an epoch's evaluation: its result is the history's last row, and the state
	 * has moved on to the start of the next epoch.
	 */
	default void afterEpoch(LoopState state, EpochResult result) {
	}

}
