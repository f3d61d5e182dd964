package io.cnnservice.bench;

import java.nio.FloatBuffer;
import java.time.Duration;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.cnnservice.TestDatasets;
import io.cnnservice.architectures.ArchitectureCatalog;
import io.cnnservice.architectures.ArchitectureOptions;
import io.cnnservice.datasets.DatasetCatalog;
import io.cnnservice.datasets.DatasetDownloader;
import io.cnnservice.datasets.DatasetProperties;
import io.cnnservice.datasets.LoadedDataset;
import io.cnnservice.engine.EngineProperties;
import io.cnnservice.engine.EngineRuntime;

/**
 * What the training benches share: the engine on the CPU, lenet for MNIST trained with
 * Adam 0.001 as the bench jobs are, and the MNIST training split normalised once into one
 * tensor pair, for bare loops that slice it with no data pipeline.
 *
 * @param runtime the engine
 * @param architectures the network catalog
 * @param mnist the dataset
 * @param data owns {@code x} and {@code y}
 * @param x the training images, (N, 1, 28, 28), normalised
 * @param y the training labels, int64
 */
public record LenetMnist(EngineRuntime runtime, ArchitectureCatalog architectures, LoadedDataset mnist, NDManager data,
		NDArray x, NDArray y) implements AutoCloseable {

	/**
	 * @param tuneAllocator whether to apply the service's glibc malloc tuning
	 * @return the engine and dataset, ready
	 */
	public static LenetMnist load(boolean tuneAllocator) {
		EngineRuntime runtime = new EngineRuntime(
				new EngineProperties(EngineProperties.DeviceChoice.CPU, 0, 0, true, "", tuneAllocator));
		LoadedDataset mnist = TestDatasets.catalog(TestDatasets.full("mnist")).load("mnist");
		int n = mnist.train().count();
		float[] pixels = new float[n * 784];
		long[] labels = new long[n];
		for (int i = 0; i < pixels.length; i++) {
			pixels[i] = ((mnist.train().pixels()[i] & 0xFF) / 255f - mnist.mean()[0]) / mnist.std()[0];
		}
		for (int i = 0; i < n; i++) {
			labels[i] = mnist.train().labels()[i];
		}
		NDManager data = runtime.engine().newBaseManager();
		return new LenetMnist(runtime, new ArchitectureCatalog(runtime), mnist, data,
				data.create(FloatBuffer.wrap(pixels), new Shape(n, 1, 28, 28)), data.create(labels));
	}

	/** Training images. */
	public int count() {
		return (int) this.x.getShape().get(0);
	}

	/** A new lenet model; the caller closes it. */
	public Model newModel() {
		Model model = Model.newInstance("bench", this.runtime.device(), EngineRuntime.ENGINE_NAME);
		model.setBlock(this.architectures.get("lenet").build(this.mnist.inputSpec(), ArchitectureOptions.DEFAULTS));
		return model;
	}

	/**
	 * An initialised trainer for the model: Adam 0.001, PyTorch's default weight init.
	 */
	public static Trainer newTrainer(Model model, int batch) {
		return newTrainer(model, new Shape(batch, 1, 28, 28));
	}

	/**
	 * An initialised trainer for any model, the same as lenet's: Adam 0.001, PyTorch's
	 * default weight init.
	 * @param input the shape of a batch
	 */
	public static Trainer newTrainer(Model model, Shape input) {
		DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
			.optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.001f)).build())
			.optInitializer(
					new XavierInitializer(XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.IN, 1f),
					Parameter.Type.WEIGHT);
		Trainer trainer = model.newTrainer(config);
		trainer.initialize(input);
		return trainer;
	}

	@Override
	public void close() {
		this.data.close();
	}

}
