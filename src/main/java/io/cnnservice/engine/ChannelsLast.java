package io.cnnservice.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Puts a batch of images into PyTorch's channels-last memory layout before it enters a
 * network: the array keeps its (n, channels, height, width) shape, but its memory holds
 * all channels of a pixel side by side.
 * <p>
 * Why: with the usual layout every oneDNN convolution reorders its input into a blocked
 * layout and its output back, and pooling and batch norm run slower kernels; in
 * channels-last they work on the memory as it is, so steps are faster (ChannelsLastBench,
 * docs/performance.md). The parameters keep their layout, so saved models do not change.
 * <p>
 * One-channel images (MNIST) get channels-last strides too: their strides decide the
 * layout of every later layer, and in the usual layout some AVX-512 CPUs gave input
 * gradients that differed from run to run for layers of fewer than 16 output channels.
 * <p>
 * Applied on the CPU only, where it was measured.
 */
public final class ChannelsLast {

	private ChannelsLast() {
	}

	/**
	 * @param images a batch {@code (n, channels, height, width)}
	 * @return the same values in channels-last memory, on the same manager; or
	 * {@code images} itself when there is nothing to change
	 */
	public static NDArray of(NDArray images) {
		Shape shape = images.getShape();
		if (shape.dimension() != 4 || images.getDevice().isGpu()) {
			return images;
		}
		long n = shape.get(0);
		long c = shape.get(1);
		long h = shape.get(2);
		long w = shape.get(3);
		// DJL has no call for a memory format. Flattening the (n, h, w, c) view cannot be
		// done in place, so PyTorch copies it in that order; transposing the copy back
		// gives an (n, c, h, w) view over channels-last memory. With one channel nothing
		// is copied, but the view's strides still mark it channels-last.
		return images.transpose(0, 2, 3, 1).reshape(n, h * w * c).reshape(n, h, w, c).transpose(0, 3, 1, 2);
	}

}
