package io.cnnservice.training.api;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.annotation.JsonValue;
import io.cnnservice.architectures.ArchitectureOptions;
import io.cnnservice.models.TestTimeViews;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

/**
 * A request to train a network. Everything but {@code architecture} and {@code dataset}
 * has a default; the job keeps the request with the defaults filled in, so it can be
 * repeated exactly.
 * <p>
 * Its JSON is flat, as clients write it; in Java the fields come in named groups
 * (unwrapped into the JSON), so a new option touches one group and no two settings of one
 * type can change places.
 *
 * @param architecture the network to train
 * @param dataset the images to train it on
 * @param epochs passes over the training set
 * @param batchSize images per step
 * @param optimization the optimizer, its step size and what it minimises
 * @param schedule how the learning rate changes
 * @param data what the network sees of the dataset, and in which order
 * @param seed fixes every random source
 * @param modelName the model the job registers
 * @param network the architecture's own knobs
 * @param evaluation when and how the test split is scored
 * @param cluster what a cluster job's pod gets
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
		@JsonUnwrapped @Valid Optimization optimization, @JsonUnwrapped @Valid Schedule schedule,
		@JsonUnwrapped @Valid Data data,
		@Schema(description = "fixes every random source: initialisation, order, augmentation, permutation (default: random, reported back)") Long seed,
		@Schema(description = "name to register the model under (default <architecture>-<dataset>)",
				example = "lenet-mnist") @Pattern(regexp = "[a-z0-9][a-z0-9._-]{0,63}",
						message = "must be 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit") String modelName,
		@JsonUnwrapped @Valid ArchitectureOptions network, @JsonUnwrapped @Valid Evaluation evaluation,
		@JsonUnwrapped @Valid Cluster cluster) {

	public TrainingRequest {
		// groups are never null: an absent group is one with nothing set
		optimization = (optimization != null) ? optimization : Optimization.UNSET;
		schedule = (schedule != null) ? schedule : Schedule.UNSET;
		data = (data != null) ? data : Data.UNSET;
		network = (network != null) ? network : ArchitectureOptions.DEFAULTS;
		evaluation = (evaluation != null) ? evaluation : Evaluation.UNSET;
		cluster = (cluster != null) ? cluster : Cluster.UNSET;
	}

	/** A request built by name, for code and tests; clients send JSON. */
	public static Builder builder() {
		return new Builder();
	}

	/** A builder holding this request, to change a few fields. */
	public Builder toBuilder() {
		return builder().architecture(this.architecture)
			.dataset(this.dataset)
			.epochs(this.epochs)
			.batchSize(this.batchSize)
			.optimization(this.optimization)
			.schedule(this.schedule)
			.data(this.data)
			.seed(this.seed)
			.modelName(this.modelName)
			.network(this.network)
			.evaluation(this.evaluation)
			.cluster(this.cluster);
	}

	/** The request with every default filled in. */
	public TrainingRequest withDefaults(long randomSeed) {
		int epochs = or(this.epochs, 1);
		return toBuilder().epochs(epochs)
			.batchSize(or(this.batchSize, 64))
			.optimization(this.optimization.withDefaults())
			.schedule(this.schedule.withDefaults(epochs))
			.data(this.data.withDefaults())
			.seed(or(this.seed, randomSeed))
			.modelName(or(this.modelName, this.architecture + "-" + this.dataset))
			.evaluation(this.evaluation.withDefaults())
			.build();
	}

	/**
	 * The optimizer, its step size and the loss it minimises.
	 *
	 * @param optimizer sgd or adam
	 * @param learningRate step size
	 * @param momentum SGD momentum
	 * @param weightDecay L2 weight decay
	 * @param labelSmoothing weight of the uniform distribution mixed into the targets
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Optimization(@Schema(description = "sgd or adam (default adam)") Optimizer optimizer,
			@Schema(description = "step size (default 0.001 for adam, 0.01 for sgd)",
					example = "0.001") @Positive @DecimalMax("10") Double learningRate,
			@Schema(description = "SGD momentum (default 0.9; ignored by adam)",
					example = "0.5") @DecimalMin("0") @DecimalMax(value = "1", inclusive = false) Double momentum,
			@Schema(description = "L2 weight decay (default 0)") @DecimalMin("0") @DecimalMax("1") Double weightDecay,
			@Schema(description = "weight of the uniform distribution mixed into the training targets, 0 to 0.5 (default 0: plain cross-entropy); test loss is always plain cross-entropy") @DecimalMin("0") @DecimalMax("0.5") Double labelSmoothing) {

		static final Optimization UNSET = new Optimization(null, null, null, null, null);

		Optimization withDefaults() {
			Optimizer opt = or(this.optimizer, Optimizer.ADAM);
			return new Optimization(opt, or(this.learningRate, (opt == Optimizer.ADAM) ? 0.001 : 0.01),
					(opt == Optimizer.SGD) ? or(this.momentum, 0.9) : null, or(this.weightDecay, 0.0),
					or(this.labelSmoothing, 0.0));
		}

	}

	/**
	 * How the learning rate changes during a job.
	 *
	 * @param lrSchedule constant, step or cosine
	 * @param lrStepEpochs step schedule: epochs between decays
	 * @param lrGamma step schedule: factor applied at each decay
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Schedule(@Schema(
			description = "constant (default), step (multiply by lrGamma every lrStepEpochs epochs) or cosine (decay to 0 over the job, per batch)") LrSchedule lrSchedule,
			@Schema(description = "step schedule: epochs between decays (default a third of the epochs, at least 1)") @Min(1) @Max(1000) Integer lrStepEpochs,
			@Schema(description = "step schedule: factor applied at each decay (default 0.1)") @Positive @DecimalMax("1") Double lrGamma) {

		static final Schedule UNSET = new Schedule(null, null, null);

		Schedule withDefaults(int epochs) {
			return new Schedule(or(this.lrSchedule, LrSchedule.CONSTANT),
					or(this.lrStepEpochs, Math.max(1, epochs / 3)), or(this.lrGamma, 0.1));
		}

	}

	/**
	 * What the network sees of the dataset, and in which order.
	 *
	 * @param shuffle a new random order every epoch
	 * @param augment augmentation of training batches
	 * @param permutePixels one fixed permutation of pixel positions for every image
	 * @param trainLimit train on the first N training images only
	 * @param testLimit evaluate on the first N test images only
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Data(@Schema(
			description = "new random order every epoch (default true); false keeps the dataset's order") Boolean shuffle,
			@Schema(description = "none, flip-crop (random horizontal flip and 4-pixel shifts) or flip-crop-cutout (the same, then an 8x8 square set to the mean colour; default none)") Augment augment,
			@Schema(description = "apply one fixed random permutation of the pixel positions to train and test images (default false)") Boolean permutePixels,
			@Schema(description = "train on the first N training images only") @Min(1) Integer trainLimit,
			@Schema(description = "evaluate on the first N test images only") @Min(1) Integer testLimit) {

		static final Data UNSET = new Data(null, null, null, null, null);

		Data withDefaults() {
			return new Data(or(this.shuffle, true), or(this.augment, Augment.NONE), or(this.permutePixels, false),
					this.trainLimit, this.testLimit);
		}

	}

	/**
	 * When the test split is scored, and under which views.
	 *
	 * @param testTimeFlip also score each image's mirror image
	 * @param testTimeShift also score each image moved by this many pixels each way
	 * @param evaluateEvery evaluate after every N epochs (and the last)
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Evaluation(@Schema(
			description = "score each test image by the mean of the logits for it and its mirror image, in the job's evaluation and when the model serves (default false)") Boolean testTimeFlip,
			@Schema(description = "0 to 4: also score each test image moved by this many pixels up, down, left and right (and their mirror images with testTimeFlip), averaging the logits over all views, in the job's evaluation and when the model serves (default 0)") @Min(0) @Max(4) Integer testTimeShift,
			@Schema(description = "evaluate on the test split after every N epochs (default 1); the last epoch is always evaluated, so a long job can spend on training the time evaluation would take") @Min(1) @Max(1000) Integer evaluateEvery) {

		static final Evaluation UNSET = new Evaluation(null, null, null);

		Evaluation withDefaults() {
			return new Evaluation(or(this.testTimeFlip, false), or(this.testTimeShift, 0), or(this.evaluateEvery, 1));
		}

		/** The views the job's evaluation and the served model score each image under. */
		public TestTimeViews views() {
			return TestTimeViews.of(this.testTimeFlip, this.testTimeShift);
		}

		/** Whether any view besides the image itself is scored. */
		public boolean hasExtraViews() {
			return Boolean.TRUE.equals(this.testTimeFlip) || (this.testTimeShift != null && this.testTimeShift > 0);
		}

	}

	/**
	 * What a cluster job's pod gets (the kubernetes runner only).
	 *
	 * @param resources what the pod requests
	 * @param activeDeadlineSeconds the Job's deadline
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Cluster(@Schema(
			description = "kubernetes runner only: what the job's pod requests (default and maxima from configuration)") @Valid Resources resources,
			@Schema(description = "kubernetes runner only: the Job's activeDeadlineSeconds, after which Kubernetes stops it") @Min(60) @Max(30L
					* 24 * 3600) Long activeDeadlineSeconds) {

		static final Cluster UNSET = new Cluster(null, null);

		/**
		 * Whether the request asks for anything here; the name of the first field that
		 * does.
		 */
		public String firstSet() {
			return (this.resources != null) ? "resources"
					: (this.activeDeadlineSeconds != null) ? "activeDeadlineSeconds" : null;
		}

	}

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

	/** Builds a request by field name. */
	public static final class Builder {

		private String architecture;

		private String dataset;

		private Integer epochs;

		private Integer batchSize;

		private Optimization optimization = Optimization.UNSET;

		private Schedule schedule = Schedule.UNSET;

		private Data data = Data.UNSET;

		private Long seed;

		private String modelName;

		private ArchitectureOptions network = ArchitectureOptions.DEFAULTS;

		private Evaluation evaluation = Evaluation.UNSET;

		private Cluster cluster = Cluster.UNSET;

		private Builder() {
		}

		public Builder architecture(String architecture) {
			this.architecture = architecture;
			return this;
		}

		public Builder dataset(String dataset) {
			this.dataset = dataset;
			return this;
		}

		public Builder epochs(Integer epochs) {
			this.epochs = epochs;
			return this;
		}

		public Builder batchSize(Integer batchSize) {
			this.batchSize = batchSize;
			return this;
		}

		public Builder optimization(Optimization optimization) {
			this.optimization = optimization;
			return this;
		}

		public Builder schedule(Schedule schedule) {
			this.schedule = schedule;
			return this;
		}

		public Builder data(Data data) {
			this.data = data;
			return this;
		}

		public Builder seed(Long seed) {
			this.seed = seed;
			return this;
		}

		public Builder modelName(String modelName) {
			this.modelName = modelName;
			return this;
		}

		public Builder network(ArchitectureOptions network) {
			this.network = network;
			return this;
		}

		public Builder evaluation(Evaluation evaluation) {
			this.evaluation = evaluation;
			return this;
		}

		public Builder cluster(Cluster cluster) {
			this.cluster = cluster;
			return this;
		}

		public TrainingRequest build() {
			return new TrainingRequest(this.architecture, this.dataset, this.epochs, this.batchSize, this.optimization,
					this.schedule, this.data, this.seed, this.modelName, this.network, this.evaluation, this.cluster);
		}

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
