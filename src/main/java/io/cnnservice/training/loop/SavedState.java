package io.cnnservice.training.loop;

import java.util.Arrays;
import java.util.List;

import io.cnnservice.training.api.EpochResult;

/**
 * A {@link LoopState} as a checkpoint stores it: where the loop is, this epoch's order,
 * the random sources, the running totals, the time spent and the finished epochs. Equal
 * states are equal by content, arrays included.
 *
 * @param place the epoch and the batches done in it
 * @param order this epoch's data order
 * @param random the random sources' states
 * @param totals the epoch's running totals
 * @param timing training time so far
 * @param history finished epochs
 */
public record SavedState(Place place, Order order, Random random, Totals totals, Timing timing,
		List<EpochResult> history) {

	public int epoch() {
		return this.place.epoch();
	}

	public int batch() {
		return this.place.batch();
	}

	/**
	 * @param epoch current epoch, from 1
	 * @param batch batches done in it
	 */
	public record Place(int epoch, int batch) {
	}

	/**
	 * @param indices the training images in this epoch's order
	 * @param drawn whether the order has been drawn for this epoch yet
	 */
	public record Order(int[] indices, boolean drawn) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Order o && this.drawn == o.drawn && Arrays.equals(this.indices, o.indices);
		}

		@Override
		public int hashCode() {
			return 31 * Arrays.hashCode(this.indices) + Boolean.hashCode(this.drawn);
		}

		@Override
		public String toString() {
			return "Order[" + this.indices.length + " images, drawn=" + this.drawn + "]";
		}

	}

	/**
	 * @param shuffle the shuffle's state
	 * @param augment the augmentation's state
	 */
	public record Random(long shuffle, long augment) {
	}

	/**
	 * @param seen images seen in the epoch
	 * @param lossSum sum of per-image losses in the epoch
	 * @param correct correct predictions in the epoch
	 */
	public record Totals(int seen, double lossSum, long correct) {
	}

	/**
	 * @param epochNanos training time spent in the epoch
	 * @param trainingNanos training time of the finished epochs
	 * @param batchNanos wall time of each batch done in the epoch
	 */
	public record Timing(long epochNanos, long trainingNanos, long[] batchNanos) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Timing t && this.epochNanos == t.epochNanos && this.trainingNanos == t.trainingNanos
					&& Arrays.equals(this.batchNanos, t.batchNanos);
		}

		@Override
		public int hashCode() {
			return 31 * (31 * Long.hashCode(this.epochNanos) + Long.hashCode(this.trainingNanos))
					+ Arrays.hashCode(this.batchNanos);
		}

		@Override
		public String toString() {
			return "Timing[epochNanos=" + this.epochNanos + ", trainingNanos=" + this.trainingNanos + ", "
					+ this.batchNanos.length + " batches]";
		}

	}

}
