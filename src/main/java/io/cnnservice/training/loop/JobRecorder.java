package io.cnnservice.training.loop;

import java.util.function.Consumer;

import io.cnnservice.training.api.EpochResult;
import io.cnnservice.training.jobs.TrainingJob;

/**
 * Keeps the job's record in the store current: its progress about once a second, so that
 * other processes sharing the store can show it, and each finished epoch.
 */
public final class JobRecorder implements LoopListener {

	/** Least time between two progress writes. */
	static final long EVERY_NANOS = 1_000_000_000L;

	private final TrainingJob job;

	private final Consumer<TrainingJob> persist;

	private long last = System.nanoTime();

	public JobRecorder(TrainingJob job, Consumer<TrainingJob> persist) {
		this.job = job;
		this.persist = persist;
	}

	@Override
	public void afterBatch(LoopState s) {
		long now = System.nanoTime();
		if (now - this.last >= EVERY_NANOS) {
			this.last = now;
			this.persist.accept(this.job);
		}
	}

	@Override
	public void afterEpoch(LoopState s, EpochResult result) {
		this.job.epochDone(result);
		this.last = System.nanoTime();
		this.persist.accept(this.job);
	}

}
