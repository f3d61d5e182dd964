package io.cnnservice.training.loop;

import io.cnnservice.training.jobs.TrainingJob;

/**
 * Stops the loop between batches (and between evaluation passes) once the job is
 * cancelled, or interrupted to resume later.
 */
public final class StopCheck implements LoopListener {

	private final TrainingJob job;

	public StopCheck(TrainingJob job) {
		this.job = job;
	}

	@Override
	public void beforeBatch(LoopState state) {
		check();
	}

	public void check() {
		if (this.job.isCancelRequested()) {
			throw new Stopped(false);
		}
		if (this.job.isInterruptRequested()) {
			throw new Stopped(true);
		}
	}

	/** The loop stopped on request, between two batches. */
	public static final class Stopped extends RuntimeException {

		private final boolean interrupted;

		Stopped(boolean interrupted) {
			super(interrupted ? "interrupted" : "cancelled", null, false, false);
			this.interrupted = interrupted;
		}

		/** True for a stop to resume later, false for a cancellation. */
		public boolean interrupted() {
			return this.interrupted;
		}

	}

}
