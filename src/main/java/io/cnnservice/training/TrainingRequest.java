package io.cnnservice.training;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.cnnservice.architectures.ArchitectureOptions;
import io.cnnservice.models.TestTimeViews;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * A request to train a network. Everything but {@code architecture} and {@code dataset}
 * has a default; the job keeps the request with the defaults filled in, so it can be
 * repeated exactly.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(example = """
		{"architecture": "lenet", "dataset": "mnist", "epochs": 1, "batchSize": 64, "optimizer": "adam",
		 "learningRate": 0.001, "seed": 42}""")
public record TrainingRequest(
		@Schema(description = "seed-fc, mlp, seed-cnn, lenet, vgg-small, resnet or resnet9",
				example = "lenet") @NotBlank String architecture,
		@Schema(description = "mnist, fashion-mnist, cifar10 or a custom dataset folder",
				example = "mnist") @NotBlank String dataset,
		@Schema(description = "passes over the training set (default 1)",
				example = "1") @Min(1) @Max(1000) Integer epochs,
		@Schema(description = "images per step (default 64)", example = "64") @Min(1) @Max(4096) Integer batchSize,
		@Schema(description = "sgd or adam (default adam)") Optimizer optimizer,
		@Schema(description = "step size (default 0.001 for adam, 0.01 for sgd)",
				example = "0.001") @Positive @DecimalMax("10") Double learningRate,
		@Schema(description = "SGD momentum (default 0.9; ignored by adam)",
				example = "0.5") @DecimalMin("0") @DecimalMax(value = "1", inclusive = false) Double momentum,
		@Schema(description = "L2 weight decay (default 0)") @DecimalMin("0") @DecimalMax("1") Double weightDecay,
		@Schema(description = "constant (default), step (multiply by lrGamma every lrStepEpochs epochs) or cosine (decay to 0 over the job, per batch)") LrSchedule lrSchedule,
		@Schema(description = "step schedule: epochs between decays (default a third of the epochs, at least 1)") @Min(1) @Max(1000) Integer lrStepEpochs,
		@Schema(description = "step schedule: factor applied at each decay (default 0.1)") @Positive @DecimalMax("1") Double lrGamma,
		@Schema(description = "new random order every epoch (default true); false keeps the dataset's order") Boolean shuffle,
		@Schema(description = "none, flip-crop (random horizontal flip and 4-pixel shifts) or flip-crop-cutout (the same, then an 8x8 square set to the mean colour; default none)") Augment augment,
		@Schema(description = "apply one fixed random permutation of the pixel positions to train and test images (default false)") Boolean permutePixels,
		@Schema(description = "fixes every random source: initialisation, order, augmentation, permutation (default: random, reported back)") Long seed,
		@Schema(description = "train on the first N training images only") @Min(1) Integer trainLimit,
		@Schema(description = "evaluate on the first N test images only") @Min(1) Integer testLimit,
		@Schema(description = "name to register the model under (default <architecture>-<dataset>)",
				example = "lenet-mnist") @Pattern(regexp = "[a-z0-9][a-z0-9._-]{0,63}",
						message = "must be 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit") String modelName,
		@Schema(description = "mlp only: hidden layer widths (default [256, 128])") @Size(min = 1,
				max = 16) List<@Min(1) @Max(16384) Integer> hiddenSizes,
		@Schema(description = "resnet only: depth 6n+2 (default 20)") @Min(8) @Max(110) Integer depth,
		@Schema(description = "resnet9 only: channels of the stem, the stages have 2, 4 and 8 times as many (default 64)") @Min(4) @Max(256) Integer width,
		@Schema(description = "weight of the uniform distribution mixed into the training targets, 0 to 0.5 (default 0: plain cross-entropy); test loss is always plain cross-entropy") @DecimalMin("0") @DecimalMax("0.5") Double labelSmoothing,
		@Schema(description = "score each test image by the mean of the logits for it and its mirror image, in the job's evaluation and when the model serves (default false)") Boolean testTimeFlip,
		@Schema(description = "0 to 4: also score each test image moved by this many pixels up, down, left and right (and their mirror images with testTimeFlip), averaging the logits over all views, in the job's evaluation and when the model serves (default 0)") @Min(0) @Max(4) Integer testTimeShift,
		@Schema(description = "evaluate on the test split after every N epochs (default 1); the last epoch is always evaluated, so a long job can spend on training the time evaluation would take") @Min(1) @Max(1000) Integer evaluateEvery,
		@Schema(description = "kubernetes runner only: what the job's pod requests (default and maxima from configuration)") @jakarta.validation.Valid Resources resources,
		@Schema(description = "kubernetes runner only: the Job's activeDeadlineSeconds, after which Kubernetes stops it") @Min(60) @Max(30L
				* 24 * 3600) Long activeDeadlineSeconds) {

	/**
	 * What a cluster job's pod requests (and is limited to).
	 *
	 * @param cpu cores, as Kubernetes writes them ({@code "2"}, {@code "500m"})
	 * @param memory bytes, as Kubernetes writes them ({@code "4Gi"})
	 * @param gpu whole GPUs ({@code nvidia.com/gpu})
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Resources(
			@Schema(example = "2") @Pattern(regexp = "[0-9]{1,4}(\\.[0-9]{1,3})?|[0-9]{1,7}m",
					message = "must be a CPU quantity such as 2, 1.5 or 500m") String cpu,
			@Schema(example = "4Gi") @Pattern(regexp = "[0-9]{1,7}(Ki|Mi|Gi|Ti|k|M|G|T)?",
					message = "must be a memory quantity such as 4Gi or 512Mi") String memory,
			@Schema(example = "1") @Min(0) @Max(16) Integer gpu) {
	}

	/** The request with every default filled in. */
	public TrainingRequest withDefaults(long randomSeed) {
		Optimizer opt = (this.optimizer != null) ? this.optimizer : Optimizer.ADAM;
		return new TrainingRequest(this.architecture, this.dataset, or(this.epochs, 1), or(this.batchSize, 64), opt,
				or(this.learningRate, (opt == Optimizer.ADAM) ? 0.001 : 0.01),
				(opt == Optimizer.SGD) ? or(this.momentum, 0.9) : null, or(this.weightDecay, 0.0),
				or(this.lrSchedule, LrSchedule.CONSTANT), or(this.lrStepEpochs, Math.max(1, or(this.epochs, 1) / 3)),
				or(this.lrGamma, 0.1), or(this.shuffle, true), or(this.augment, Augment.NONE),
				or(this.permutePixels, false), or(this.seed, randomSeed), this.trainLimit, this.testLimit,
				or(this.modelName, this.architecture + "-" + this.dataset), this.hiddenSizes, this.depth, this.width,
				or(this.labelSmoothing, 0.0), or(this.testTimeFlip, false), or(this.testTimeShift, 0),
				or(this.evaluateEvery, 1), this.resources, this.activeDeadlineSeconds);
	}

	/** The views the job's evaluation and the served model score each image under. */
	public TestTimeViews testTimeViews() {
		return TestTimeViews.of(this.testTimeFlip, this.testTimeShift);
	}

	/** The architecture's own knobs. */
	public ArchitectureOptions architectureOptions() {
		return new ArchitectureOptions(this.hiddenSizes, this.depth, this.width);
	}

	private static <T> T or(T value, T fallback) {
		return (value != null) ? value : fallback;
	}

	/**
	 * The constant whose JSON name matches, ignoring case; the error lists the valid
	 * names.
	 */
	private static <E extends Enum<E>> E parse(E[] values, Function<E, String> json, String value) {
		for (E e : values) {
			if (json.apply(e).equalsIgnoreCase(value)) {
				return e;
			}
		}
		throw new IllegalArgumentException(
				"must be one of " + Arrays.stream(values).map(json).collect(Collectors.joining(", ")));
	}

	/** Optimisers. */
	public enum Optimizer {

		SGD, ADAM;

		@JsonValue
		public String json() {
			return name().toLowerCase();
		}

		@JsonCreator
		public static Optimizer of(String value) {
			return parse(values(), Optimizer::json, value);
		}

	}

	/** How the learning rate changes during a job. */
	public enum LrSchedule {

		CONSTANT, STEP, COSINE;

		@JsonValue
		public String json() {
			return name().toLowerCase();
		}

		@JsonCreator
		public static LrSchedule of(String value) {
			return parse(values(), LrSchedule::json, value);
		}

	}

	/** Data augmentation applied to training batches. */
	public enum Augment {

		NONE("none"), FLIP_CROP("flip-crop"), FLIP_CROP_CUTOUT("flip-crop-cutout");

		private final String json;

		Augment(String json) {
			this.json = json;
		}

		@JsonValue
		public String json() {
			return this.json;
		}

		@JsonCreator
		public static Augment of(String value) {
			return parse(values(), Augment::json, value);
		}

	}

}
