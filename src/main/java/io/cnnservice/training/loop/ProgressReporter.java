package io.cnnservice.training.loop;

import io.cnnservice.training.api.EpochResult;
import io.cnnservice.training.api.Progress;
import io.cnnservice.training.jobs.TrainingJob;

/**
 * Keeps the job's progress (epoch, batch, speed, ETA, running loss and accuracy) current.
 */
public final class ProgressReporter implements LoopListener {

	private final TrainingJob job;

	private final int batches;

	/** When this process took the job up. */
	private final long start;

	/** Training time before this process took the job up. */
	private final long before;

	public ProgressReporter(TrainingJob job, int batches, long start, long before) {
		this.job = job;
		this.batches = batches;
		this.start = start;
		this.before = before;
	}

	@Override
	public void afterBatch(LoopState s) {
		long now = System.nanoTime();
		int epochs = this.job.request().epochs();
		double epochSeconds = Math.max(s.epochNanos(now) / 1e9, 1e-9);
		double done = (s.epoch - 1) * (double) this.batches + s.batch;
		double total = (double) this.batches * epochs;
		double perBatch = (s.trainingNanos / 1e9 + epochSeconds) / done;
		this.job.progress(new Progress("training", s.epoch, epochs, s.batch, this.batches, 100.0 * done / total,
				s.seen / epochSeconds, (this.before + now - this.start) / 1e9, perBatch * (total - done),
				s.lossSum() / s.seen, (double) s.correct() / s.seen));
	}

	@Override
	public void beforeEvaluation(LoopState s) {
		this.job.phase("evaluating");
	}

	@Override
	public void afterEpoch(LoopState s, EpochResult result) {
		this.job.phase("training");
	}

}
