package io.cnnservice.datasets;

import java.util.List;

/**
 * What a network must adapt to: image channels and size, and the number of classes.
 *
 * @param channels image channels
 * @param height image height
 * @param width image width
 * @param classes number of classes
 */
public record InputSpec(int channels, int height, int width, int classes) {

	public List<Integer> shape() {
		return List.of(this.channels, this.height, this.width);
	}

}
