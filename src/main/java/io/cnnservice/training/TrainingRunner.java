package io.cnnservice.training;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import io.cnnservice.architectures.ArchitectureCatalog;
import io.cnnservice.architectures.ArchitectureOptions;
import io.cnnservice.datasets.DatasetCatalog;
import io.cnnservice.datasets.ImageSet;
import io.cnnservice.datasets.InputSpec;
import io.cnnservice.datasets.LoadedDataset;
import io.cnnservice.engine.ChannelsLast;
import io.cnnservice.engine.EngineRuntime;
import io.cnnservice.metrics.TrainingMetrics;
import io.cnnservice.models.ModelMetadata;
import io.cnnservice.models.ModelStore;
import io.cnnservice.models.TestTimeViews;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Runs one training job to the end with DJL: the training loop, evaluation and saving.
 */
@Component
class TrainingRunner {

	/**
	 * Batches between reads of the running loss and accuracy (on a GPU each read syncs
	 * the device).
	 */
	private static final int PROGRESS_EVERY = 20;

	/** Most test images evaluated per forward pass. */
	static final int EVAL_BATCH_MAX = 1000;

	/**
	 * Bytes the largest layer output of one evaluation pass may take. glibc keeps blocks
	 * up to 32 MB in its heap and maps larger ones afresh on every pass: vgg-small
	 * evaluating 1,000 CIFAR images at a time (262 MB per activation) took 5.4 million
	 * page faults and 1.6 GB more peak memory for 10,000 test images than 100 at a time.
	 */
	static final long EVAL_ACTIVATION_BYTES = 24L << 20;

	/** Engine seeding and parameter initialisation must not interleave between jobs. */
	private static final Object INIT_LOCK = new Object();

	/**
	 * Test loss is plain cross-entropy whatever the training loss, so runs with and
	 * without label smoothing compare.
	 */
	private static final Loss TEST_LOSS = Loss.softmaxCrossEntropyLoss();

	private final DatasetCatalog datasets;

	private final ArchitectureCatalog architectures;

	private final EngineRuntime runtime;

	private final ModelStore store;

	private final JsonMapper json;

	private final TrainingMetrics metrics;

	TrainingRunner(DatasetCatalog datasets, ArchitectureCatalog architectures, EngineRuntime runtime, ModelStore store,
			JsonMapper json, TrainingMetrics metrics) {
		this.metrics = metrics;
		this.datasets = datasets;
		this.architectures = architectures;
		this.runtime = runtime;
		this.store = store;
		this.json = json;
	}

	/**
	 * Thrown inside the loop once the train loss is no longer a finite number: the
	 * weights are then NaN or infinite and every later step only spends time, so the job
	 * fails at the next progress read instead of training on for hours.
	 */
	static final class Diverged extends RuntimeException {

		Diverged(int epoch, int batch, double learningRate) {
			super(String.format(Locale.ROOT,
					"training diverged: the train loss stopped being a finite number by epoch %d, batch %d, and no model was saved; "
							+ "a lower learningRate than %s (or a schedule that starts lower) usually prevents it",
					epoch, batch, learningRate));
		}

	}

	/** Thrown inside the loop when the job was asked to stop. */
	static final class Cancelled extends RuntimeException {

		Cancelled() {
			super("cancelled", null, false, false);
		}

	}

	/**
	 * Trains, evaluates after every {@code evaluateEvery} epochs and the last, and
	 * registers the model.
	 * @param onEpoch called after each epoch (to persist the job)
	 * @return the registered version
	 */
	int run(TrainingJob job, Consumer<TrainingJob> onEpoch) throws IOException {
		TrainingRequest req = job.request();
		LoadedDataset data = this.datasets.load(req.dataset());
		ImageSet train = (req.trainLimit() != null) ? data.train().limit(req.trainLimit()) : data.train();
		ImageSet test = (req.testLimit() != null) ? data.test().limit(req.testLimit()) : data.test();
		InputSpec spec = data.inputSpec();
		ArchitectureOptions options = req.architectureOptions();
		Block block = this.architectures.get(req.architecture()).build(spec, options);
		int[] permutation = req.permutePixels() ? BatchAssembler.permutation(spec.height() * spec.width(), req.seed())
				: null;
		int batchSize = Math.min(req.batchSize(), train.count());
		BatchAssembler trainBatches = new BatchAssembler(train, data.mean(), data.std(), permutation, req.augment(),
				batchSize);

		LearningRateSchedule schedule = LearningRateSchedule.of(req, (train.count() + batchSize - 1) / batchSize);
		try (Model model = Model.newInstance(req.modelName(), this.runtime.device(), EngineRuntime.ENGINE_NAME)) {
			model.setBlock(block);
			DefaultTrainingConfig config = new DefaultTrainingConfig(trainingLoss(req))
				.optOptimizer(optimizer(req, schedule))
				.optDevices(new ai.djl.Device[] { this.runtime.device() })
				// PyTorch's default for conv and linear weights: U(-1/sqrt(fan_in),
				// 1/sqrt(fan_in))
				.optInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
						XavierInitializer.FactorType.IN, 1f), Parameter.Type.WEIGHT);
			try (Trainer trainer = model.newTrainer(config)) {
				synchronized (INIT_LOCK) {
					this.runtime.engine().setRandomSeed((int) (req.seed() ^ (req.seed() >>> 32)));
					trainer.initialize(new Shape(batchSize, spec.channels(), spec.height(), spec.width()));
					PyTorchBiasInit.apply(block, new Random(req.seed()));
				}
				long[] params = ArchitectureCatalog.count(block);
				int evalBatch = Math.min(evaluationBatch(ArchitectureCatalog.largestOutput(block,
						new Shape(1, spec.channels(), spec.height(), spec.width()))), test.count());
				BatchAssembler testBatches = new BatchAssembler(test, data.mean(), data.std(), permutation,
						TrainingRequest.Augment.NONE, evalBatch);
				EpochResult last = loop(job, trainer, train, test, trainBatches, testBatches, batchSize, schedule,
						onEpoch);
				job.phase("saving");
				model.setProperty("Epoch", Integer.toString(req.epochs()));
				ModelMetadata draft = metadata(job, data, spec, options, permutation, last, params, train.count(),
						test.count());
				return this.store.register(draft, dir -> {
					model.save(dir, "model");
					return String.format("model-%04d.params", req.epochs());
				}).version();
			}
		}
	}

	private EpochResult loop(TrainingJob job, Trainer trainer, ImageSet train, ImageSet test,
			BatchAssembler trainBatches, BatchAssembler testBatches, int batchSize, LearningRateSchedule schedule,
			Consumer<TrainingJob> onEpoch) {
		TrainingRequest req = job.request();
		TrainingMetrics.JobGauges gauges = this.metrics.jobStarted(job.id(), req.architecture(), req.dataset());
		int batches = (train.count() + batchSize - 1) / batchSize;
		int totalBatches = batches * req.epochs();
		Random shuffleRandom = new Random(req.seed());
		Random augmentRandom = new Random(req.seed() * 31 + 17);
		int[] order = IntStream.range(0, train.count()).toArray();
		long jobStart = System.nanoTime();
		double trainingNanos = 0;
		EpochResult last = null;
		for (int epoch = 1; epoch <= req.epochs(); epoch++) {
			if (req.shuffle()) {
				BatchAssembler.shuffle(order, shuffleRandom);
			}
			long epochStart = System.nanoTime();
			long[] batchNanos = new long[batches];
			long batchStart = epochStart;
			int seen = 0;
			EpochTotals totals;
			// On a GPU loss and accuracy accumulate on the device and are read every
			// PROGRESS_EVERY batches, since reading them each batch would sync the device
			// per step; on the CPU they are summed on the host as each batch ends.
			try (NDManager epochManager = trainer.getManager().newSubManager()) {
				totals = EpochTotals.of(epochManager, batchSize);
				for (int b = 0; b < batches; b++) {
					if (job.isCancelRequested()) {
						throw new Cancelled();
					}
					int from = b * batchSize;
					int to = Math.min(from + batchSize, train.count());
					try (NDManager batchManager = trainer.getManager().newSubManager()) {
						NDArray x = trainBatches.images(batchManager, order, from, to, augmentRandom);
						NDArray y = trainBatches.labels(batchManager, order, from, to);
						NDList out = TrainingStep.run(trainer, x, y);
						totals.add(out.get(1), out.get(0), y, to - from);
					}
					seen += to - from;
					long now = System.nanoTime();
					batchNanos[b] = now - batchStart;
					batchStart = now;
					double epochSeconds = (now - epochStart) / 1e9;
					if (b % PROGRESS_EVERY == PROGRESS_EVERY - 1 || b == batches - 1) {
						totals.read();
						if (!Double.isFinite(totals.lossSum())) {
							throw new Diverged(epoch, b + 1, req.learningRate());
						}
					}
					double runningLoss = totals.lossSum() / seen;
					gauges.batch(to - from, runningLoss, seen / Math.max(epochSeconds, 1e-9));
					double doneBatches = (epoch - 1) * (double) batches + b + 1;
					double perBatch = (trainingNanos / 1e9 + epochSeconds) / doneBatches;
					job.progress(new Progress("training", epoch, req.epochs(), b + 1, batches,
							100.0 * doneBatches / totalBatches, seen / Math.max(epochSeconds, 1e-9),
							(System.nanoTime() - jobStart) / 1e9, perBatch * (totalBatches - doneBatches), runningLoss,
							(double) totals.correct() / seen));
				}
			}
			long epochNanos = System.nanoTime() - epochStart;
			trainingNanos += epochNanos;
			Double testLoss = null;
			Double testAccuracy = null;
			if (epoch % req.evaluateEvery() == 0 || epoch == req.epochs()) {
				job.phase("evaluating");
				double[] eval = evaluate(job, trainer, test, testBatches);
				testLoss = eval[0];
				testAccuracy = eval[1];
			}
			double seconds = epochNanos / 1e9;
			last = new EpochResult(epoch, totals.lossSum() / seen, (double) totals.correct() / seen, testLoss,
					testAccuracy, seconds, seen / seconds, schedule.atEndOfEpoch(epoch),
					EpochResult.medianMillis(batchNanos));
			job.epochDone(last);
			gauges.epoch(epoch, testAccuracy);
			job.phase("training");
			onEpoch.accept(job);
		}
		return last;
	}

	/**
	 * Mean loss and accuracy on the test split, with batch norm in inference mode. With
	 * test-time views (flips, shifts) the logits are the mean over one pass per view, as
	 * serving computes them; a pass per view rather than one batch of all views keeps the
	 * activations within {@link #EVAL_ACTIVATION_BYTES}.
	 */
	private double[] evaluate(TrainingJob job, Trainer trainer, ImageSet test, BatchAssembler testBatches) {
		TestTimeViews views = job.request().testTimeViews();
		int batch = testBatches.maxBatch();
		int[] order = IntStream.range(0, test.count()).toArray();
		double lossSum = 0;
		long correct = 0;
		for (int from = 0; from < test.count(); from += batch) {
			if (job.isCancelRequested()) {
				throw new Cancelled();
			}
			int to = Math.min(from + batch, test.count());
			try (NDManager batchManager = trainer.getManager().newSubManager()) {
				NDArray x = testBatches.images(batchManager, order, from, to, null);
				NDArray y = testBatches.labels(batchManager, order, from, to);
				NDArray logits = trainer.evaluate(new NDList(ChannelsLast.of(x))).singletonOrThrow();
				for (int v = 1; v < views.count(); v++) {
					NDArray view = ChannelsLast.of(views.view(x, v));
					logits = logits.add(trainer.evaluate(new NDList(view)).singletonOrThrow());
				}
				logits = logits.div(views.count());
				lossSum += TEST_LOSS.evaluate(new NDList(y), new NDList(logits)).getFloat() * (to - from);
				correct += logits.argMax(1).eq(y).countNonzero().getLong();
			}
		}
		return new double[] { lossSum / test.count(), (double) correct / test.count() };
	}

	/**
	 * Test images per evaluation pass for a net whose largest layer output holds
	 * {@code largestOutput} floats per image: as many as fit in
	 * {@link #EVAL_ACTIVATION_BYTES}, at least 1 and at most {@link #EVAL_BATCH_MAX}.
	 */
	static int evaluationBatch(long largestOutput) {
		long fit = EVAL_ACTIVATION_BYTES / (Math.max(largestOutput, 1) * Float.BYTES);
		return (int) Math.max(1, Math.min(EVAL_BATCH_MAX, fit));
	}

	/** Plain cross-entropy unless the request asks for label smoothing. */
	private static Loss trainingLoss(TrainingRequest req) {
		double epsilon = (req.labelSmoothing() != null) ? req.labelSmoothing() : 0;
		return (epsilon > 0) ? new LabelSmoothingLoss(epsilon) : Loss.softmaxCrossEntropyLoss();
	}

	private static Optimizer optimizer(TrainingRequest req, LearningRateSchedule schedule) {
		float wd = req.weightDecay().floatValue();
		return switch (req.optimizer()) {
			case SGD -> Optimizer.sgd()
				.setLearningRateTracker(schedule)
				.optMomentum(req.momentum().floatValue())
				.optWeightDecays(wd)
				.build();
			case ADAM -> Optimizer.adam().optLearningRateTracker(schedule).optWeightDecays(wd).build();
		};
	}

	private ModelMetadata metadata(TrainingJob job, LoadedDataset data, InputSpec spec, ArchitectureOptions options,
			int[] permutation, EpochResult last, long[] params, int trainImages, int testImages) {
		TrainingRequest req = job.request();
		Map<String, Object> opts = options.recorded(req.architecture());
		Map<String, Object> metrics = new LinkedHashMap<>();
		metrics.put("epochs", req.epochs());
		metrics.put("trainLoss", last.trainLoss());
		metrics.put("trainAccuracy", last.trainAccuracy());
		metrics.put("testLoss", last.testLoss());
		metrics.put("testAccuracy", last.testAccuracy());
		metrics.put("trainImages", trainImages);
		metrics.put("testImages", testImages);
		metrics.put("imagesPerSecond",
				job.view().history().stream().mapToDouble(EpochResult::imagesPerSecond).average().orElse(0));
		// light strokes on a dark background (MNIST) vs dark on light decides whether
		// serving inverts uploads
		float meanBrightness = 0;
		for (float m : data.mean()) {
			meanBrightness += m / data.mean().length;
		}
		ModelMetadata.Preprocessing pre = new ModelMetadata.Preprocessing((spec.channels() == 1) ? "grayscale" : "rgb",
				data.mean(), data.std(), (meanBrightness < 0.5f) ? "dark" : "light", permutation,
				req.testTimeFlip() ? Boolean.TRUE : null, (req.testTimeShift() > 0) ? req.testTimeShift() : null);
		@SuppressWarnings("unchecked")
		Map<String, Object> request = this.json.convertValue(req, Map.class);
		return new ModelMetadata(req.modelName(), 0, req.architecture(), opts, req.dataset(), data.classes(),
				List.of(spec.channels(), spec.height(), spec.width()), pre, request, metrics, params[0], params[1],
				null, null, EngineRuntime.ENGINE_NAME + " " + this.runtime.engine().getVersion(), job.id(),
				Instant.now());
	}

}
