package io.cnnservice.training.runners;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import io.cnnservice.architectures.ArchitectureCatalog;
import io.cnnservice.datasets.DatasetCatalog;
import io.cnnservice.datasets.InputSpec;
import io.cnnservice.datasets.LoadedDataset;
import io.cnnservice.datasets.formats.ImageSet;
import io.cnnservice.engine.EngineRuntime;
import io.cnnservice.metrics.TrainingMetrics;
import io.cnnservice.models.ModelMetadata;
import io.cnnservice.models.ModelNotFoundException;
import io.cnnservice.models.ModelStore;
import io.cnnservice.training.api.EpochResult;
import io.cnnservice.training.api.Recovery;
import io.cnnservice.training.api.TrainingRequest;
import io.cnnservice.training.durable.CheckpointStore;
import io.cnnservice.training.durable.Checkpointer;
import io.cnnservice.training.durable.DurabilityProperties;
import io.cnnservice.training.jobs.TrainingJob;
import io.cnnservice.training.loop.BatchAssembler;
import io.cnnservice.training.loop.DivergenceCheck;
import io.cnnservice.training.loop.GaugeReporter;
import io.cnnservice.training.loop.JobRecorder;
import io.cnnservice.training.loop.LoopListener;
import io.cnnservice.training.loop.LoopState;
import io.cnnservice.training.loop.ProgressReporter;
import io.cnnservice.training.loop.StartupReporter;
import io.cnnservice.training.loop.StopCheck;
import io.cnnservice.training.loop.TrainingLoop;
import io.cnnservice.training.optim.JobOptimizer;
import io.cnnservice.training.optim.LabelSmoothingLoss;
import io.cnnservice.training.optim.LearningRateSchedule;
import io.cnnservice.training.optim.PyTorchBiasInit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Trains one job to the end with DJL: sets up the data, the network and the optimizer, or
 * restores them from the job's checkpoint, runs the {@link TrainingLoop} with its
 * listeners, and registers the model.
 */
@Component
public class JobTrainer {

	private static final Logger log = LoggerFactory.getLogger(JobTrainer.class);

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

	private final ModelRecords records;

	private final TrainingMetrics metrics;

	private final CheckpointStore checkpoints;

	private final DurabilityProperties durability;

	/** Whether this process is a worker, whose start-up time is worth reporting. */
	private final boolean worker;

	JobTrainer(DatasetCatalog datasets, ArchitectureCatalog architectures, EngineRuntime runtime, ModelStore store,
			ModelRecords records, TrainingMetrics metrics, CheckpointStore checkpoints, DurabilityProperties durability,
			Environment environment) {
		this.datasets = datasets;
		this.architectures = architectures;
		this.runtime = runtime;
		this.store = store;
		this.records = records;
		this.metrics = metrics;
		this.checkpoints = checkpoints;
		this.durability = durability;
		this.worker = RunnerMode.of(environment) == RunnerMode.WORKER;
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
		TrainingRequest.Data seen = req.data();
		ImageSet train = (seen.trainLimit() != null) ? data.train().limit(seen.trainLimit()) : data.train();
		ImageSet test = (seen.testLimit() != null) ? data.test().limit(seen.testLimit()) : data.test();
		InputSpec spec = data.inputSpec();
		Block block = this.architectures.get(req.architecture()).build(spec, req.network());
		int[] permutation = seen.permutePixels() ? BatchAssembler.permutation(spec.height() * spec.width(), req.seed())
				: null;
		int batchSize = Math.min(req.batchSize(), train.count());
		int batches = (train.count() + batchSize - 1) / batchSize;
		BatchAssembler trainBatches = new BatchAssembler(train, data.mean(), data.std(), permutation, seen.augment(),
				batchSize);
		LearningRateSchedule schedule = LearningRateSchedule.of(req.schedule(), req.optimization(), req.epochs(),
				batches);
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
				catch (MalformedModelException ex) {
					throw new IOException(
							"checkpoint " + checkpoint.get().file() + " does not fit this network: " + ex.getMessage(),
							ex);
				}
			}
			try (JobOptimizer optimizer = JobOptimizer.of(req.optimization(), model.getNDManager().newSubManager(),
					schedule); Trainer trainer = model.newTrainer(config(req, optimizer))) {
				LoopState state;
				if (checkpoint.isPresent()) {
					trainer.initialize(inputShape);
					optimizer.restore(checkpoint.get().optimizerStream(), ids(block));
					state = new LoopState(checkpoint.get().state(), batches);
					job.resumed(new Recovery.Position(state.epoch(), state.batch(), Instant.now()), state.history());
					this.metrics.resumed();
					log.info("Training job {} resumes from {} at epoch {}, batch {} of {}", job.id(),
							checkpoint.get().file().getFileName(), state.epoch(), state.batch(), batches);
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
				List<LoopListener> listeners = new ArrayList<>(
						List.of(stop, new DivergenceCheck(batches, req.optimization().learningRate()),
								new ProgressReporter(job, batches, System.nanoTime(), state.nanosBefore()),
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
				ModelMetadata draft = this.records.draft(job,
						new ModelRecords.Trained(data, spec, permutation,
								ModelMetadata.Parameters.counted(params[0], params[1]),
								new ModelRecords.Measured(last, train.count(), test.count(), loop.confusionMatrix())));
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
		return new DefaultTrainingConfig(trainingLoss(req.optimization())).optOptimizer(optimizer)
			.optDevices(new Device[] { this.runtime.device() })
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
				.filter(m -> job.id().equals(m.provenance().jobId()))
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
	private static Loss trainingLoss(TrainingRequest.Optimization optimization) {
		double epsilon = (optimization.labelSmoothing() != null) ? optimization.labelSmoothing() : 0;
		return (epsilon > 0) ? new LabelSmoothingLoss(epsilon) : Loss.softmaxCrossEntropyLoss();
	}

}
