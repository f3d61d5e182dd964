package io.cnnservice.datasets;

import java.util.List;

import io.cnnservice.datasets.formats.ImageSet;

/**
 * A dataset decoded into memory, with the normalisation its models are trained with.
 *
 * @param name dataset name
 * @param classes class names in label order
 * @param train training split
 * @param test test split
 * @param mean per-channel mean of the training pixels in [0, 1]
 * @param std per-channel standard deviation of the training pixels in [0, 1]
 */
public record LoadedDataset(String name, List<String> classes, ImageSet train, ImageSet test, float[] mean,
		float[] std) {

	public int channels() {
		return this.train.channels();
	}

	public int height() {
		return this.train.height();
	}

	public int width() {
		return this.train.width();
	}

	/** The shape a model sees for one image: channels, height, width. */
	public InputSpec inputSpec() {
		return new InputSpec(channels(), height(), width(), this.classes.size());
	}

}
