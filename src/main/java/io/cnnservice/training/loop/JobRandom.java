package io.cnnservice.training.loop;

import java.util.Random;

/**
 * {@link Random}'s own sequence, with a state that can be read and restored, so that a
 * checkpoint carries a job's shuffling and augmentation exactly where they were.
 * <p>
 * It is the same 48-bit linear congruential generator, so a seed gives the numbers
 * {@code new Random(seed)} gives, Gaussians apart: Random caches the second Gaussian of
 * each pair in state a checkpoint could not carry, so here every call draws a fresh pair
 * and keeps the first.
 */
public final class JobRandom extends Random {

	private static final long MULTIPLIER = 0x5DEECE66DL;

	private static final long ADDEND = 0xBL;

	private static final long MASK = (1L << 48) - 1;

	private long state;

	JobRandom(long seed) {
		super(seed);
	}

	/** A generator that continues from a {@link #state()}. */
	static JobRandom restore(long state) {
		JobRandom random = new JobRandom(0);
		random.state = state & MASK;
		return random;
	}

	/** Where the sequence is: enough to {@link #restore} it. */
	long state() {
		return this.state;
	}

	@Override
	public synchronized void setSeed(long seed) {
		super.setSeed(seed);
		this.state = (seed ^ MULTIPLIER) & MASK;
	}

	@Override
	protected int next(int bits) {
		this.state = (this.state * MULTIPLIER + ADDEND) & MASK;
		return (int) (this.state >>> (48 - bits));
	}

	@Override
	public synchronized double nextGaussian() {
		// Marsaglia's polar method, as Random uses, without the cached second value
		double v1;
		double v2;
		double s;
		do {
			v1 = 2 * nextDouble() - 1;
			v2 = 2 * nextDouble() - 1;
			s = v1 * v1 + v2 * v2;
		}
		while (s >= 1 || s == 0);
		return v1 * StrictMath.sqrt(-2 * StrictMath.log(s) / s);
	}

}
