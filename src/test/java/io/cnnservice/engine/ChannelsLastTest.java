package io.cnnservice.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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

	@Test
	void leavesOneChannelImagesAsTheyAre() {
		try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
			NDArray digits = manager.zeros(new Shape(4, 1, 28, 28));
			assertThat(ChannelsLast.of(digits)).isSameAs(digits);
		}
	}

}
