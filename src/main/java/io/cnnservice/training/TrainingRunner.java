package io.cnnservice.training;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import io.cnnservice.architectures.ArchitectureCatalog;
import io.cnnservice.architectures.ArchitectureOptions;
import io.cnnservice.datasets.DatasetCatalog;
import io.cnnservice.datasets.ImageSet;
import io.cnnservice.datasets.InputSpec;
import io.cnnservice.datasets.LoadedDataset;
import io.cnnservice.engine.EngineRuntime;
import io.cnnservice.metrics.TrainingMetrics;
import io.cnnservice.models.ModelMetadata;
import io.cnnservice.models.ModelNotFoundException;
import io.cnnservice.models.ModelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Runs one training job to the end with DJL: sets up the data, the network and the
 * optimizer, or restores them from the job's checkpoint, runs the {@link TrainingLoop},
 * and registers the model.
 */
@Component
class TrainingRunner {

	private static final Logger log = LoggerFactory.getLogger(TrainingRunner.class);

	/** Most test images evaluated per forward pass. */
	static final int EVAL_BATCH_MAX = 1000;

	/**
	 * Bytes the largest layer output of one evaluation pass may take. glibc keeps blocks
	 * up to 32 MB in its heap and maps larger ones afresh on every pass, so bigger passes
	 * page-fault their activations in every time.
	 */
	static final long EVAL_ACTIVATION_BYTES = 24L << 20;

	/** Engine seeding and parameter initialisation must not interleave between jobs. */
	private static final Object INIT_LOCK = new Object();

	private final DatasetCatalog datasets;

	private final ArchitectureCatalog architectures;

	private final EngineRuntime runtime;

	private final ModelStore store;

	private final JsonMapper json;

	private final TrainingMetrics metrics;

	private final CheckpointStore checkpoints;

	private final DurabilityProperties durability;

	private final boolean worker;

	TrainingRunner(DatasetCatalog datasets, ArchitectureCatalog architectures, EngineRuntime runtime, ModelStore store,
			JsonMapper json, TrainingMetrics metrics, CheckpointStore checkpoints, DurabilityProperties durability,
			WorkerProperties worker) {
		this.worker = worker.isWorker();
		this.metrics = metrics;
		this.datasets = datasets;
		this.architectures = architectures;
		this.runtime = runtime;
		this.store = store;
		this.json = json;
		this.checkpoints = checkpoints;
		this.durability = durability;
	}

	/**
	 * Trains, from the job's newest usable checkpoint if it has one, evaluates after
	 * every {@code evaluateEvery} epochs and the last, and registers the model.
	 * @param persist saves the job's record (as it trains, and after each epoch)
	 * @return the registered version
	 * @throws StopCheck.Stopped when the job was cancelled or interrupted; a checkpoint
	 * of where it stopped has been written
	 */
	int run(TrainingJob job, Consumer<TrainingJob> persist) throws IOException {
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
		int batches = (train.count() + batchSize - 1) / batchSize;
		BatchAssembler trainBatches = new BatchAssembler(train, data.mean(), data.std(), permutation, req.augment(),
				batchSize);
		LearningRateSchedule schedule = LearningRateSchedule.of(req, batches);
		Optional<CheckpointStore.Checkpoint> checkpoint = this.checkpoints.latest(job.id());
		Shape inputShape = new Shape(batchSize, spec.channels(), spec.height(), spec.width());

		try (Model model = Model.newInstance(req.modelName(), this.runtime.device(), EngineRuntime.ENGINE_NAME)) {
			model.setBlock(block);
			if (checkpoint.isPresent()) {
				// parameters that are there before the trainer initialises are kept as
				// they are
				try {
					block.loadParameters(model.getNDManager(), checkpoint.get().parameterStream());
				}
				catch (ai.djl.MalformedModelException ex) {
					throw new IOException(
							"checkpoint " + checkpoint.get().file() + " does not fit this network: " + ex.getMessage(),
							ex);
				}
			}
			try (JobOptimizer optimizer = JobOptimizer.of(req, model.getNDManager().newSubManager(), schedule);
					Trainer trainer = model.newTrainer(config(req, optimizer))) {
				LoopState state;
				if (checkpoint.isPresent()) {
					trainer.initialize(inputShape);
					optimizer.restore(checkpoint.get().optimizerStream(), ids(block));
					state = new LoopState(checkpoint.get().state(), batches);
					job.resumed(new Recovery.Position(state.epoch, state.batch, Instant.now()), state.history);
					this.metrics.resumed();
					log.info("Training job {} resumes from {} at epoch {}, batch {} of {}", job.id(),
							checkpoint.get().file().getFileName(), state.epoch, state.batch, batches);
				}
				else {
					synchronized (INIT_LOCK) {
						this.runtime.engine().setRandomSeed((int) (req.seed() ^ (req.seed() >>> 32)));
						trainer.initialize(inputShape);
						PyTorchBiasInit.apply(block, new Random(req.seed()));
					}
					state = new LoopState(train.count(), batches, req.seed());
				}
				long[] params = ArchitectureCatalog.count(block);
				int evalBatch = Math.min(evaluationBatch(ArchitectureCatalog.largestOutput(block,
						new Shape(1, spec.channels(), spec.height(), spec.width()))), test.count());
				BatchAssembler testBatches = new BatchAssembler(test, data.mean(), data.std(), permutation,
						TrainingRequest.Augment.NONE, evalBatch);
				StopCheck stop = new StopCheck(job);
				Checkpointer checkpointer = new Checkpointer(job, this.checkpoints, block, optimizer, names(block),
						this.metrics::checkpointWritten, this.durability.checkpointInterval());
				TrainingMetrics.JobGauges gauges = this.metrics.jobStarted(job.id(), req.architecture(), req.dataset());
				List<LoopListener> listeners = new java.util.ArrayList<>(
						List.of(stop, new DivergenceCheck(batches, req.learningRate()),
								new ProgressReporter(job, batches, System.nanoTime(),
										state.trainingNanos + state.epochNanosBefore),
								new GaugeReporter(gauges), checkpointer, new JobRecorder(job, persist)));
				if (this.worker) {
					listeners.add(new StartupReporter(job.id(), gauges));
				}
				TrainingLoop loop = new TrainingLoop(req, trainer,
						new TrainingLoop.Data(train, test, trainBatches, testBatches), batchSize, schedule, stop,
						listeners);
				EpochResult last;
				try {
					last = loop.run(state);
				}
				catch (StopCheck.Stopped ex) {
					// whatever the stop, the job can go on from exactly here
					checkpointer.write(state);
					throw ex;
				}
				job.phase("saving");
				model.setProperty("Epoch", Integer.toString(req.epochs()));
				ModelMetadata draft = metadata(job, data, spec, options, permutation, last, params, train.count(),
						test.count(), loop.confusionMatrix());
				// a process that died between registering the model and recording it has
				// registered it already
				Optional<ModelMetadata> registered = registeredBy(job);
				int version = registered.isPresent() ? registered.get().version() : this.store.register(draft, dir -> {
					model.save(dir, "model");
					return String.format("model-%04d.params", req.epochs());
				}).version();
				if (!this.durability.keepCheckpoints()) {
					this.checkpoints.delete(job.id());
				}
				return version;
			}
		}
	}

	private DefaultTrainingConfig config(TrainingRequest req, JobOptimizer optimizer) {
		return new DefaultTrainingConfig(trainingLoss(req)).optOptimizer(optimizer)
			.optDevices(new ai.djl.Device[] { this.runtime.device() })
			// PyTorch's default for conv and linear weights: U(-1/sqrt(fan_in),
			// 1/sqrt(fan_in))
			.optInitializer(
					new XavierInitializer(XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.IN, 1f),
					Parameter.Type.WEIGHT);
	}

	/** The version of the job's model that this job registered, if any. */
	private Optional<ModelMetadata> registeredBy(TrainingJob job) {
		try {
			return this.store.get(job.request().modelName())
				.versions()
				.stream()
				.filter(m -> job.id().equals(m.jobId()))
				.findFirst();
		}
		catch (ModelNotFoundException ex) {
			return Optional.empty();
		}
	}

	/** The block's parameter names by id. */
	private static Map<String, String> names(Block block) {
		Map<String, String> names = new LinkedHashMap<>();
		block.getParameters().forEach(p -> names.put(p.getValue().getId(), p.getKey()));
		return names;
	}

	/** The block's parameter ids by name. */
	private static Map<String, String> ids(Block block) {
		Map<String, String> ids = new LinkedHashMap<>();
		block.getParameters().forEach(p -> ids.put(p.getKey(), p.getValue().getId()));
		return ids;
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

	private ModelMetadata metadata(TrainingJob job, LoadedDataset data, InputSpec spec, ArchitectureOptions options,
			int[] permutation, EpochResult last, long[] params, int trainImages, int testImages, long[][] confusion) {
		TrainingRequest req = job.request();
		Map<String, Object> opts = options.recorded(req.architecture());
		Map<String, Object> metrics = new LinkedHashMap<>();
		metrics.put("epochs", req.epochs());
		metrics.put("trainLoss", last.trainLoss());
		metrics.put("trainAccuracy", last.trainAccuracy());
		metrics.put("testLoss", last.testLoss());
		metrics.put("testAccuracy", last.testAccuracy());
		if (confusion != null) {
			// rows: true class, columns: predicted class, over the test images evaluated
			metrics.put("confusionMatrix",
					java.util.Arrays.stream(confusion)
						.map(row -> java.util.Arrays.stream(row).boxed().toList())
						.toList());
		}
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
