package io.cnnservice.architectures;

import java.util.List;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import io.cnnservice.datasets.InputSpec;

/**
 * Block factories for the networks of the course notes, written to match their PyTorch
 * definitions layer for layer (so parameter counts agree).
 */
final class Networks {

	private Networks() {
	}

	/** Most hidden layers of an mlp, as TrainingRequest's bound says too. */
	static final int MAX_HIDDEN_LAYERS = 16;

	/** The notes' small fully connected net: flatten, 8, ReLU, 8, ReLU, classes. */
	static Block seedFc(InputSpec in, ArchitectureOptions options) {
		return mlp(in, new ArchitectureOptions(List.of(8, 8), null, null));
	}

	/** Flatten, then Linear + ReLU per hidden size, then a linear classifier. */
	static Block mlp(InputSpec in, ArchitectureOptions options) {
		SequentialBlock net = new SequentialBlock().add(Blocks.batchFlattenBlock());
		if (options.hiddenSizesOrDefault().size() > MAX_HIDDEN_LAYERS) {
			throw new IncompatibleArchitectureException("hiddenSizes", "hiddenSizes may list at most "
					+ MAX_HIDDEN_LAYERS + " layers, got " + options.hiddenSizesOrDefault().size());
		}
		for (Integer units : options.hiddenSizesOrDefault()) {
			if (units == null) {
				throw new IncompatibleArchitectureException("hiddenSizes", "hiddenSizes may not hold null");
			}
			if (units < 1 || units > 16_384) {
				throw new IncompatibleArchitectureException("hiddenSizes",
						"hiddenSizes must be between 1 and 16384, got " + units);
			}
			net.add(linear(units)).add(Activation.reluBlock());
		}
		return net.add(linear(in.classes()));
	}

	/**
	 * Exercise 1: conv5x5x6, ReLU, pool, conv5x5x6, ReLU, pool, FC 50, ReLU, FC classes.
	 */
	static Block seedCnn(InputSpec in, ArchitectureOptions options) {
		return new SequentialBlock().add(conv(6, 5, 1, 0))
			.add(Activation.reluBlock())
			.add(maxPool())
			.add(conv(6, 5, 1, 0))
			.add(Activation.reluBlock())
			.add(maxPool())
			.add(Blocks.batchFlattenBlock())
			.add(linear(50))
			.add(Activation.reluBlock())
			.add(linear(in.classes()));
	}

	/**
	 * Exercise 2's LeNet-style net: conv5x5x6, ReLU, pool, conv5x5x16, ReLU, pool, 120,
	 * 84, classes. Inputs under 32 pixels get conv1 padded by 2 so 28x28 digits reach the
	 * same 5x5x16 feature map as 32x32 images.
	 */
	static Block lenet(InputSpec in, ArchitectureOptions options) {
		int pad = (in.height() < 32) ? 2 : 0;
		return new SequentialBlock().add(conv(6, 5, 1, pad))
			.add(Activation.reluBlock())
			.add(maxPool())
			.add(conv(16, 5, 1, 0))
			.add(Activation.reluBlock())
			.add(maxPool())
			.add(Blocks.batchFlattenBlock())
			.add(linear(120))
			.add(Activation.reluBlock())
			.add(linear(84))
			.add(Activation.reluBlock())
			.add(linear(in.classes()));
	}

	/**
	 * Exercise 3's simplified VGG: (3x3 conv, batch norm, ReLU) per
	 * 64-M-128-M-256-M-512-M, linear.
	 */
	static Block vggSmall(InputSpec in, ArchitectureOptions options) {
		SequentialBlock net = new SequentialBlock();
		for (int channels : new int[] { 64, 128, 256, 512 }) {
			net.add(conv(channels, 3, 1, 1)).add(batchNorm()).add(Activation.reluBlock()).add(maxPool());
		}
		return net.add(Blocks.batchFlattenBlock()).add(linear(in.classes()));
	}

	/**
	 * CIFAR-style ResNet (He et al. 2016, section 4.2): a 3x3 stem of 16 channels, three
	 * stages of n basic blocks with 16, 32, 64 channels (depth = 6n + 2), global average
	 * pooling and a linear classifier. Where a block changes size, its shortcut is a
	 * strided 1x1 convolution with batch norm.
	 */
	static Block resnet(InputSpec in, ArchitectureOptions options) {
		int depth = options.depthOrDefault();
		if (depth < 8 || depth > 110 || (depth - 2) % 6 != 0) {
			throw new IncompatibleArchitectureException("depth",
					"resnet depth must be 6n+2 between 8 and 110 (20, 32, 44, 56, 110), got " + depth);
		}
		int blocksPerStage = (depth - 2) / 6;
		SequentialBlock net = new SequentialBlock().add(convNoBias(16, 3, 1, 1))
			.add(batchNorm())
			.add(Activation.reluBlock());
		int inChannels = 16;
		int[] widths = { 16, 32, 64 };
		for (int stage = 0; stage < widths.length; stage++) {
			for (int b = 0; b < blocksPerStage; b++) {
				int stride = (stage > 0 && b == 0) ? 2 : 1;
				net.add(residual(widths[stage], stride, inChannels != widths[stage] || stride != 1));
				inChannels = widths[stage];
			}
		}
		return net.add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock()).add(linear(in.classes()));
	}

	/**
	 * The fast CIFAR ResNet of Page's DAWNBench entry ("ResNet-9"): a 3x3 stem of w
	 * channels, then three stages of conv3x3 + BN + ReLU at 2w, 4w and 8w channels, each
	 * followed by 2x2 max pooling, with one basic residual block after the first and the
	 * third; global max pooling, a linear classifier without bias, logits scaled by 1/8.
	 * Few, wide layers suit the convolution kernels on a small CPU: at width 32 it does
	 * 1.4 times ResNet-20's multiply-adds per second here (bench/resnet-widths).
	 */
	static Block resnet9(InputSpec in, ArchitectureOptions options) {
		int width = options.widthOrDefault();
		if (width < 4 || width > 256) {
			throw new IncompatibleArchitectureException("width",
					"resnet9 width must be between 4 and 256, got " + width);
		}
		SequentialBlock net = new SequentialBlock().add(convNoBias(width, 3, 1, 1))
			.add(batchNorm())
			.add(Activation.reluBlock());
		int[] stages = { 2 * width, 4 * width, 8 * width };
		for (int stage = 0; stage < stages.length; stage++) {
			net.add(convNoBias(stages[stage], 3, 1, 1)).add(batchNorm()).add(Activation.reluBlock()).add(maxPool());
			if (stage != 1) {
				net.add(residual(stages[stage], 1, false));
			}
		}
		// the 1/8 keeps the logits small early on, where a high learning rate would
		// saturate them
		return net.add(Pool.globalMaxPool2dBlock())
			.add(Blocks.batchFlattenBlock())
			.add(Linear.builder().setUnits(in.classes()).optBias(false).build())
			.add(new LambdaBlock(list -> new NDList(list.singletonOrThrow().mul(0.125f)), "Scale"));
	}

	/** y = ReLU(F(x) + shortcut(x)), F = conv3x3, BN, ReLU, conv3x3, BN. */
	static Block residual(int channels, int stride, boolean project) {
		// no conv biases in front of batch norm: its shift makes them redundant
		SequentialBlock branch = new SequentialBlock().add(convNoBias(channels, 3, stride, 1))
			.add(batchNorm())
			.add(Activation.reluBlock())
			.add(convNoBias(channels, 3, 1, 1))
			.add(batchNorm());
		Block shortcut = project ? new SequentialBlock().add(convNoBias(channels, 1, stride, 0)).add(batchNorm())
				: Blocks.identityBlock();
		return new SequentialBlock()
			.add(new ParallelBlock(
					list -> new NDList(list.get(0).singletonOrThrow().add(list.get(1).singletonOrThrow())),
					List.of(branch, shortcut)))
			.add(Activation.reluBlock());
	}

	private static Block conv(int filters, int kernel, int stride, int pad) {
		return Conv2d.builder()
			.setKernelShape(new Shape(kernel, kernel))
			.optStride(new Shape(stride, stride))
			.optPadding(new Shape(pad, pad))
			.setFilters(filters)
			.build();
	}

	private static Block convNoBias(int filters, int kernel, int stride, int pad) {
		return Conv2d.builder()
			.setKernelShape(new Shape(kernel, kernel))
			.optStride(new Shape(stride, stride))
			.optPadding(new Shape(pad, pad))
			.setFilters(filters)
			.optBias(false)
			.build();
	}

	private static Block linear(int units) {
		return Linear.builder().setUnits(units).build();
	}

	private static Block batchNorm() {
		return BatchNorm.builder().build();
	}

	private static Block maxPool() {
		return Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2));
	}

}
