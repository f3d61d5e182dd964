package io.cnnservice.training;

import java.util.function.Consumer;

/** Adds each finished epoch to the job and saves the job's record. */
final class EpochRecorder implements LoopListener {

	private final TrainingJob job;

	private final Consumer<TrainingJob> persist;

	EpochRecorder(TrainingJob job, Consumer<TrainingJob> persist) {
		this.job = job;
		this.persist = persist;
	}

	@Override
	public void afterEpoch(LoopState s, EpochResult result) {
		this.job.epochDone(result);
		this.persist.accept(this.job);
	}

}
