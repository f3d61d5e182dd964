package io.cnnservice.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The layout change on the real engine: same values, channels side by side in memory. */
class ChannelsLastTest {

	@Test
	void keepsShapeAndValuesButStoresEachPixelsChannelsTogether() {
		try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
			// two 3-channel 2x2 images holding 0..23 in (n, c, h, w) order
			float[] values = new float[24];
			for (int i = 0; i < values.length; i++) {
				values[i] = i;
			}
			NDArray images = manager.create(values, new Shape(2, 3, 2, 2));
			NDArray last = ChannelsLast.of(images);
			assertThat(last.getShape()).isEqualTo(new Shape(2, 3, 2, 2));
			assertThat(last.toFloatArray()).containsExactly(values);
			// A (n, h, w, c) view is contiguous only if the layout is channels-last: the
			// engine then hands out its memory, otherwise a copy. Either way the buffer
			// lists each pixel's channels together; only a write showing through proves
			// it is the memory.
			ByteBuffer memory = last.transpose(0, 2, 3, 1).toByteBuffer(true).order(ByteOrder.nativeOrder());
			float[] order = new float[24];
			memory.asFloatBuffer().get(order);
			// pixel (0, 0) of image 0 has channels 0, 4, 8; pixel (0, 1) has 1, 5, 9
			assertThat(order).startsWith(0, 4, 8, 1, 5, 9);
			memory.putFloat(Float.BYTES, 100f);
			assertThat(last.getFloat(0, 1, 0, 0)).isEqualTo(100f);
			// the usual layout does not alias its transposed view
			ByteBuffer copy = images.transpose(0, 2, 3, 1).toByteBuffer(true).order(ByteOrder.nativeOrder());
			copy.putFloat(Float.BYTES, 100f);
			assertThat(images.getFloat(0, 1, 0, 0)).isEqualTo(4f);
		}
	}

	/**
	 * On a 2-core AMD EPYC (Zen 5) the engine's gradient with respect to a convolution's
	 * input varied from run to run in the usual layout whenever the layer had fewer than
	 * 16 output channels (docs/performance.md); in channels-last layout it did not. So
	 * one-channel images go in channels-last too, and the layers after them follow.
	 * Elsewhere this passes either way.
	 */
	@Test
	void oneChannelBatchesKeepTheirValuesAndTrainTheSameEveryTime() {
		try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
			Engine.getEngine("PyTorch").setRandomSeed(3);
			NDArray digits = manager.randomNormal(new Shape(64, 1, 28, 28));
			NDArray last = ChannelsLast.of(digits);
			assertThat(last.getShape()).isEqualTo(digits.getShape());
			assertThat(last.toFloatArray()).containsExactly(digits.toFloatArray());
			// lenet's opening on a seed-cnn second layer: 1 -> 6 -> 6 channels
			NDArray w1 = manager.randomNormal(new Shape(6, 1, 5, 5)).mul(0.2f);
			NDArray w2 = manager.randomNormal(new Shape(6, 6, 5, 5)).mul(0.1f);
			Set<Integer> gradients = new HashSet<>();
			for (int run = 0; run < 12; run++) {
				try (NDManager step = manager.newSubManager()) {
					NDArray a = w1.duplicate();
					NDArray b = w2.duplicate();
					a.attach(step);
					b.attach(step);
					a.setRequiresGradient(true);
					b.setRequiresGradient(true);
					try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
						NDArray hidden = Activation.relu(Conv2d.conv2d(ChannelsLast.of(digits), a).singletonOrThrow());
						NDArray out = Conv2d.conv2d(hidden, b).singletonOrThrow();
						collector.backward(out.square().sum());
					}
					gradients.add(Arrays.hashCode(a.getGradient().toFloatArray()));
				}
			}
			assertThat(gradients).as("distinct first-layer gradients over 12 identical steps").hasSize(1);
		}
	}

}
