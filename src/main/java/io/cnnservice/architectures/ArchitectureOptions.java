package io.cnnservice.architectures;

import java.util.List;

/**
 * Optional knobs of an architecture.
 *
 * @param hiddenSizes hidden layer widths of {@code mlp} (default 256, 128)
 * @param depth depth of {@code resnet}, 6n+2 (default 20)
 */
public record ArchitectureOptions(List<Integer> hiddenSizes, Integer depth) {

	public static final ArchitectureOptions DEFAULTS = new ArchitectureOptions(null, null);

	public List<Integer> hiddenSizesOrDefault() {
		return (this.hiddenSizes != null && !this.hiddenSizes.isEmpty()) ? this.hiddenSizes : List.of(256, 128);
	}

	public int depthOrDefault() {
		return (this.depth != null) ? this.depth : 20;
	}

}
