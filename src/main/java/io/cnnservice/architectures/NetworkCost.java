package io.cnnservice.architectures;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;

/**
 * What a network costs, worked out from its shapes alone, before a parameter is
 * allocated: so a request for a network too big for the machine is refused instead of
 * taking the process down.
 *
 * @param parameters weights and biases (batch-norm statistics included)
 * @param activationsPerImage values every layer outputs for one image, which training
 * keeps for the backward pass
 */
public record NetworkCost(long parameters, long activationsPerImage) {

	/** Weights, gradients and two Adam moments, in float32. */
	static final int BYTES_PER_PARAMETER = 16;

	/**
	 * Each layer's output, in float32, kept for the backward pass; gradients come and go
	 * layer by layer.
	 */
	static final int BYTES_PER_ACTIVATION = 4;

	/** Estimated memory for training with this many images per step. */
	public long trainingBytes(int batchSize) {
		return this.parameters * BYTES_PER_PARAMETER + this.activationsPerImage * batchSize * BYTES_PER_ACTIVATION;
	}

	/**
	 * Walks an uninitialised block.
	 * @param input the input with a batch of 1
	 */
	public static NetworkCost of(Block block, Shape input) {
		long[] totals = new long[2];
		walk(block, input, totals);
		return new NetworkCost(totals[0], totals[1]);
	}

	private static Shape walk(Block block, Shape in, long[] totals) {
		if (block instanceof SequentialBlock seq) {
			Shape shape = in;
			for (Pair<String, Block> child : seq.getChildren()) {
				shape = walk(child.getValue(), shape, totals);
			}
			return shape;
		}
		if (block instanceof ParallelBlock parallel) {
			for (Pair<String, Block> child : parallel.getChildren()) {
				walk(child.getValue(), in, totals);
			}
		}
		Shape out = block.getOutputShapes(new Shape[] { in })[0];
		totals[0] += parameters(block, in, out);
		totals[1] += out.slice(1).size();
		return out;
	}

	private static long parameters(Block block, Shape in, Shape out) {
		if (block instanceof Linear) {
			long inputs = in.slice(1).size();
			long units = out.get(out.dimension() - 1);
			boolean bias = block.getParameters().keys().contains("bias");
			return inputs * units + (bias ? units : 0);
		}
		if (block instanceof Convolution conv) {
			long kernel = conv.getKernelShape().size();
			long weights = (long) conv.getFilters() * (in.get(1) / conv.getGroups()) * kernel;
			return weights + (conv.isIncludeBias() ? conv.getFilters() : 0);
		}
		if (block instanceof BatchNorm) {
			// gamma, beta and the running mean and variance
			return 4L * in.get(1);
		}
		return 0;
	}

}
