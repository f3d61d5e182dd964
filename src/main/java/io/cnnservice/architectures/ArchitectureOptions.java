package io.cnnservice.architectures;

import java.util.List;

/**
 * Optional knobs of an architecture.
 *
 * @param hiddenSizes hidden layer widths of {@code mlp} (default 256, 128)
 * @param depth depth of {@code resnet}, 6n+2 (default 20)
 * @param width channels of {@code resnet9}'s stem; its stages have 2, 4 and 8 times as
 * many (default 64)
 */
public record ArchitectureOptions(List<Integer> hiddenSizes, Integer depth, Integer width) {

	public static final ArchitectureOptions DEFAULTS = new ArchitectureOptions(null, null, null);

	public List<Integer> hiddenSizesOrDefault() {
		return (this.hiddenSizes != null && !this.hiddenSizes.isEmpty()) ? this.hiddenSizes : List.of(256, 128);
	}

	public int depthOrDefault() {
		return (this.depth != null) ? this.depth : 20;
	}

	public int widthOrDefault() {
		return (this.width != null) ? this.width : 64;
	}

}
