package io.cnnservice.training.loop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import io.cnnservice.training.api.EpochResult;

/**
 * Where a job's training loop is between two batches: the epoch and batch, this epoch's
 * data order, the random sources, the running totals, the time spent and the history.
 * With the parameters and the optimizer's state, it is what a checkpoint holds.
 */
public final class LoopState {

	/** The current epoch, from 1; past the last once training is over. */
	int epoch = 1;

	/** Batches done in the current epoch. */
	int batch;

	/** This epoch's order of the training images. */
	final int[] order;

	/** Whether this epoch's order has been drawn (it is drawn before the first batch). */
	boolean orderDrawn;

	/** Draws each epoch's shuffle. */
	final JobRandom shuffle;

	/** Draws the augmentation of every image. */
	final JobRandom augment;

	/** Training images seen in the current epoch. */
	int seen;

	/** The current epoch's running totals, while it runs. */
	EpochTotals totals;

	/** Totals read from a checkpoint, until the epoch's totals take them over. */
	private double lossBase;

	private long correctBase;

	/** Training time of the current epoch before this process took it up. */
	long epochNanosBefore;

	/** When this process started or took up the current epoch. */
	long epochStart;

	/** Training time of the finished epochs. */
	long trainingNanos;

	/** Wall time of each batch of the current epoch. */
	final long[] batchNanos;

	/** When the last batch ended. */
	long lastBatchEnd;

	/** Images in the last batch. */
	int lastBatchImages;

	/** Whether the epoch's training is over (it is being evaluated). */
	private boolean paused;

	/** One row per finished epoch. */
	final List<EpochResult> history;

	public LoopState(int images, int batches, long seed) {
		this.order = IntStream.range(0, images).toArray();
		this.shuffle = new JobRandom(seed);
		this.augment = new JobRandom(seed * 31 + 17);
		this.batchNanos = new long[batches];
		this.history = new ArrayList<>();
	}

	/** A state read from a checkpoint. */
	public LoopState(SavedState saved, int batches) {
		this.epoch = saved.place().epoch();
		this.batch = saved.place().batch();
		this.order = saved.order().indices();
		this.orderDrawn = saved.order().drawn();
		this.shuffle = JobRandom.restore(saved.random().shuffle());
		this.augment = JobRandom.restore(saved.random().augment());
		this.seen = saved.totals().seen();
		this.lossBase = saved.totals().lossSum();
		this.correctBase = saved.totals().correct();
		this.epochNanosBefore = saved.timing().epochNanos();
		this.trainingNanos = saved.timing().trainingNanos();
		this.batchNanos = Arrays.copyOf(saved.timing().batchNanos(), batches);
		this.history = new ArrayList<>(saved.history());
	}

	/** The state as of now, for a checkpoint; reads the totals first. */
	public SavedState save(long now) {
		if (this.totals != null) {
			this.totals.read();
		}
		return new SavedState(new SavedState.Place(this.epoch, this.batch),
				new SavedState.Order(this.order.clone(), this.orderDrawn),
				new SavedState.Random(this.shuffle.state(), this.augment.state()),
				new SavedState.Totals(this.seen, lossSum(), correct()),
				new SavedState.Timing(epochNanos(now), this.trainingNanos, Arrays.copyOf(this.batchNanos, this.batch)),
				List.copyOf(this.history));
	}

	/**
	 * Draws this epoch's order, unless it was drawn already: a job stopped after the draw
	 * but before its first batch must not draw again when it resumes.
	 * @param shuffle whether the job shuffles at all
	 */
	void drawOrder(boolean shuffle) {
		if (!this.orderDrawn && shuffle) {
			BatchAssembler.shuffle(this.order, this.shuffle);
		}
		this.orderDrawn = true;
	}

	/**
	 * The epoch starts, or resumes, in this process now, summing into these totals; a
	 * resumed epoch's totals go on from where the checkpoint's stopped, so the sums are
	 * the very same additions as without the interruption.
	 */
	void startEpoch(EpochTotals epochTotals, long now) {
		epochTotals.restore(this.lossBase, this.correctBase);
		this.lossBase = 0;
		this.correctBase = 0;
		this.totals = epochTotals;
		this.epochStart = now;
		this.lastBatchEnd = now;
		this.paused = false;
	}

	/** The epoch's batches are done: its training time stops here. */
	void pause(long now) {
		this.epochNanosBefore = epochNanos(now);
		this.paused = true;
	}

	/** A batch of {@code images} has been trained. */
	void batchDone(int images, long now) {
		this.batchNanos[this.batch] = now - this.lastBatchEnd;
		this.lastBatchEnd = now;
		this.batch++;
		this.seen += images;
		this.lastBatchImages = images;
	}

	/** Moves on to the next epoch once this one's result is in the history. */
	void nextEpoch(long epochNanos) {
		this.trainingNanos += epochNanos;
		this.epoch++;
		this.batch = 0;
		this.orderDrawn = false;
		this.seen = 0;
		this.lossBase = 0;
		this.correctBase = 0;
		this.epochNanosBefore = 0;
		this.totals = null;
		this.paused = false;
		Arrays.fill(this.batchNanos, 0);
	}

	/** The current epoch, from 1. */
	public int epoch() {
		return this.epoch;
	}

	/** Batches done in the current epoch. */
	public int batch() {
		return this.batch;
	}

	/** The finished epochs. */
	public List<EpochResult> history() {
		return List.copyOf(this.history);
	}

	/** Training time spent before this process took the job up. */
	public long nanosBefore() {
		return this.trainingNanos + this.epochNanosBefore;
	}

	/** Training time of the current epoch so far. */
	long epochNanos(long now) {
		return this.paused ? this.epochNanosBefore : this.epochNanosBefore + (now - this.epochStart);
	}

	/** Sum of per-image losses in the epoch, as of the totals' last read. */
	double lossSum() {
		return (this.totals != null) ? this.totals.lossSum() : this.lossBase;
	}

	/** Correct predictions in the epoch, as of the totals' last read. */
	long correct() {
		return (this.totals != null) ? this.totals.correct() : this.correctBase;
	}

	/** The median batch time of the current epoch's batches. */
	double medianBatchMillis() {
		return EpochResult.medianMillis(Arrays.copyOf(this.batchNanos, this.batch));
	}

}
