package io.cnnservice.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * Cross-entropy against targets that put {@code 1 - epsilon} on the true class and spread
 * {@code epsilon} evenly over all classes (Szegedy et al. 2016). It stops the net from
 * chasing ever larger logits on training images, which in short schedules buys test
 * accuracy. With {@code epsilon = 0} it is plain softmax cross-entropy.
 */
public final class LabelSmoothingLoss extends Loss {

	private final float epsilon;

	public LabelSmoothingLoss(double epsilon) {
		super("LabelSmoothingLoss");
		this.epsilon = (float) epsilon;
	}

	@Override
	public NDArray evaluate(NDList labels, NDList predictions) {
		NDArray logProbabilities = predictions.singletonOrThrow().logSoftmax(1);
		long classes = logProbabilities.getShape().get(1);
		NDArray trueClass = labels.singletonOrThrow().toType(DataType.INT64, false).oneHot((int) classes);
		// -(1-e) log p(true) - e/K sum_k log p(k), as one weighted sum over classes
		NDArray targets = trueClass.toType(DataType.FLOAT32, false).mul(1 - this.epsilon).add(this.epsilon / classes);
		return targets.mul(logProbabilities).sum(new int[] { 1 }).neg().mean();
	}

}
