package io.cnnservice.training;

/**
 * One finished epoch.
 *
 * @param epoch epoch number, from 1
 * @param trainLoss mean training loss over the epoch
 * @param trainAccuracy training accuracy over the epoch (measured while learning)
 * @param testLoss mean loss on the test split
 * @param testAccuracy accuracy on the test split
 * @param seconds wall time of the training pass (evaluation excluded)
 * @param imagesPerSecond training images per second
 * @param learningRate learning rate at the end of the epoch
 */
public record EpochResult(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
		double seconds, double imagesPerSecond, double learningRate) {
}
