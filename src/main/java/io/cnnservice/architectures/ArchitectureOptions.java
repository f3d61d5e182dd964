package io.cnnservice.architectures;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

/**
 * Optional knobs of an architecture.
 *
 * @param hiddenSizes hidden layer widths of {@code mlp} (default 256, 128)
 * @param depth depth of {@code resnet}, 6n+2 (default 20)
 * @param width channels of {@code resnet9}'s stem; its stages have 2, 4 and 8 times as
 * many (default 64)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArchitectureOptions(
		@Schema(description = "mlp only: hidden layer widths (default [256, 128])") @Size(min = 1,
				max = 16) List<@Min(1) @Max(16384) Integer> hiddenSizes,
		@Schema(description = "resnet only: depth 6n+2 (default 20)") @Min(8) @Max(110) Integer depth,
		@Schema(description = "resnet9 only: channels of the stem, the stages have 2, 4 and 8 times as many (default 64)") @Min(4) @Max(256) Integer width) {

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

	/**
	 * The options that shape this architecture, defaults filled in, as a model's
	 * {@code model.json} records them; {@link #fromRecorded} reads them back.
	 */
	public Map<String, Object> recorded(String architecture) {
		Map<String, Object> recorded = new LinkedHashMap<>();
		switch (architecture) {
			case "mlp" -> recorded.put("hiddenSizes", hiddenSizesOrDefault());
			case "resnet" -> recorded.put("depth", depthOrDefault());
			case "resnet9" -> recorded.put("width", widthOrDefault());
			default -> {
			}
		}
		return recorded;
	}

	/** The options {@link #recorded} wrote; a missing map or key means the default. */
	public static ArchitectureOptions fromRecorded(Map<String, Object> recorded) {
		if (recorded == null) {
			return DEFAULTS;
		}
		List<Integer> hidden = (recorded.get("hiddenSizes") instanceof List<?> l)
				? l.stream().map(v -> ((Number) v).intValue()).toList() : null;
		Integer depth = (recorded.get("depth") instanceof Number n) ? n.intValue() : null;
		Integer width = (recorded.get("width") instanceof Number n) ? n.intValue() : null;
		return new ArchitectureOptions(hidden, depth, width);
	}

}
