package io.cnnservice.architectures;

import java.util.function.BiFunction;

import ai.djl.nn.Block;
import io.cnnservice.datasets.InputSpec;

/**
 * A trainable network family that adapts to a dataset's channels, image size and class
 * count.
 *
 * @param name the name users pass as {@code architecture}
 * @param description one line for listings
 * @param minImageSize smallest height and width the network's pooling can take
 * @param factory builds a fresh, uninitialised block
 */
public record Architecture(String name, String description, int minImageSize,
		BiFunction<InputSpec, ArchitectureOptions, Block> factory) {

	/** A new block for this input. */
	public Block build(InputSpec input, ArchitectureOptions options) {
		if (input.height() < this.minImageSize || input.width() < this.minImageSize) {
			throw new IncompatibleArchitectureException("architecture",
					this.name + " needs images of at least " + this.minImageSize + "x" + this.minImageSize
							+ " pixels, the dataset has " + input.height() + "x" + input.width());
		}
		return this.factory.apply(input, options);
	}

}
