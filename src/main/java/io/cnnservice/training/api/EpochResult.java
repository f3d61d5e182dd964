package io.cnnservice.training.api;

import java.util.Arrays;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One finished epoch.
 *
 * @param epoch epoch number, from 1
 * @param trainLoss mean training loss over the epoch
 * @param trainAccuracy training accuracy over the epoch (measured while learning)
 * @param testLoss mean loss on the test split, or null if this epoch was not evaluated
 * @param testAccuracy accuracy on the test split, or null if this epoch was not evaluated
 * @param seconds wall time of the training pass (evaluation excluded)
 * @param imagesPerSecond training images per second
 * @param learningRate learning rate at the end of the epoch
 * @param medianBatchMillis the median wall time of one training batch in the epoch
 * (assembly, step and running totals): the loop's steady speed, which the odd slow batch
 * that {@code imagesPerSecond} includes does not move; timed on the host, so on a GPU,
 * where steps run asynchronously, it is not the device's time per batch; null in jobs
 * saved before it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpochResult(int epoch, double trainLoss, double trainAccuracy, Double testLoss, Double testAccuracy,
		double seconds, double imagesPerSecond, double learningRate, Double medianBatchMillis) {

	/**
	 * The median of an epoch's batch times, as {@code medianBatchMillis} reports it;
	 * public so that the training benches time their bare loops the same way.
	 * @param batchNanos one wall time per batch, in nanoseconds; sorted in place
	 * @return the median in milliseconds
	 */
	public static double medianMillis(long[] batchNanos) {
		Arrays.sort(batchNanos);
		int mid = batchNanos.length / 2;
		double nanos = (batchNanos.length % 2 == 1) ? batchNanos[mid] : (batchNanos[mid - 1] + batchNanos[mid]) / 2.0;
		return nanos / 1e6;
	}

}
