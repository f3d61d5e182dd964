package io.cnnservice.training.optim;

import java.nio.FloatBuffer;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/**
 * Gives conv and linear biases PyTorch's default start, U(-1/sqrt(fan_in),
 * 1/sqrt(fan_in)), instead of DJL's zeros, so small networks start where the course's
 * PyTorch runs start. Fan-in is only known once shapes are inferred, hence after
 * initialisation.
 */
public final class PyTorchBiasInit {

	private PyTorchBiasInit() {
	}

	public static void apply(Block block, Random random) {
		Parameter weight = block.getDirectParameters().contains("weight") ? block.getDirectParameters().get("weight")
				: null;
		Parameter bias = block.getDirectParameters().contains("bias") ? block.getDirectParameters().get("bias") : null;
		if (weight != null && bias != null && weight.getArray().getShape().dimension() >= 2) {
			long[] shape = weight.getArray().getShape().getShape();
			long fanIn = 1;
			for (int i = 1; i < shape.length; i++) {
				fanIn *= shape[i];
			}
			float bound = (float) (1.0 / Math.sqrt(fanIn));
			NDArray array = bias.getArray();
			float[] values = new float[(int) array.size()];
			for (int i = 0; i < values.length; i++) {
				values[i] = (random.nextFloat() * 2 - 1) * bound;
			}
			array.set(FloatBuffer.wrap(values));
		}
		for (Pair<String, Block> child : block.getChildren()) {
			apply(child.getValue(), random);
		}
	}

}
