package io.cnnservice.training;

/**
 * Stops the loop between batches (and between evaluation passes) once the job is
 * cancelled, or interrupted to resume later.
 */
final class StopCheck implements LoopListener {

	private final TrainingJob job;

	StopCheck(TrainingJob job) {
		this.job = job;
	}

	@Override
	public void beforeBatch(LoopState state) {
		check();
	}

	void check() {
		if (this.job.isCancelRequested()) {
			throw new Stopped(false);
		}
		if (this.job.isInterruptRequested()) {
			throw new Stopped(true);
		}
	}

	/** The loop stopped on request, between two batches. */
	static final class Stopped extends RuntimeException {

		private final boolean interrupted;

		Stopped(boolean interrupted) {
			super(interrupted ? "interrupted" : "cancelled", null, false, false);
			this.interrupted = interrupted;
		}

		/** True for a stop to resume later, false for a cancellation. */
		boolean interrupted() {
			return this.interrupted;
		}

	}

}
