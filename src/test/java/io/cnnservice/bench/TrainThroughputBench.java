package io.cnnservice.bench;

import java.nio.FloatBuffer;
import java.util.Arrays;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The ceiling for this engine: lenet on MNIST trained by a bare DJL loop over tensors
 * built once, sliced in order, with no data pipeline, metrics or progress. As a test it
 * prints one JSON line per batch size. bench/train-throughput runs {@link #main} instead:
 * one warmed-up JVM that trains an epoch whenever it reads a batch size on stdin, so the
 * bare loop can be measured interleaved with the service's jobs and PyTorch's runs.
 */
@Tag("bench")
class TrainThroughputBench {

	@Test
	void measure() {
		int runs = Integer.getInteger("bench.runs", 5);
		try (Loop loop = Loop.prepare()) {
			for (int batch : new int[] { 64, 256 }) {
				double[] rates = new double[runs];
				for (int r = 0; r < runs; r++) {
					rates[r] = loop.epoch(batch);
				}
				Arrays.sort(rates);
				System.out.printf(
						"BENCH {\"loop\": \"raw-djl\", \"batch\": %d, \"imagesPerSecond\": %.0f, \"runs\": %s}%n",
						batch, rates[runs / 2], Arrays.toString(rates));
			}
		}
	}

	/**
	 * Reads batch sizes from stdin, one per line, and answers each with one line
	 * {@code BENCH {"loop": "raw-djl", "batch": B, "imagesPerSecond": R}} after training
	 * one epoch at that batch size. Prints {@code READY} once warmed up.
	 */
	public static void main(String[] args) throws java.io.IOException {
		try (Loop loop = Loop.prepare()) {
			System.out.println("READY");
			var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
			for (String line = in.readLine(); line != null; line = in.readLine()) {
				int batch = Integer.parseInt(line.trim());
				System.out.printf("BENCH {\"loop\": \"raw-djl\", \"batch\": %d, \"imagesPerSecond\": %.0f}%n", batch,
						loop.epoch(batch));
			}
		}
	}

	/** The MNIST training split as engine tensors, normalised once. */
	private record Loop(EngineRuntime runtime, ArchitectureCatalog architectures, LoadedDataset mnist, NDManager data,
			NDArray x, NDArray y) implements AutoCloseable {

		static Loop prepare() {
			EngineRuntime runtime = new EngineRuntime(
					new EngineProperties(EngineProperties.DeviceChoice.CPU, 0, 0, true, "", true));
			NDManager data = runtime.engine().newBaseManager();
			ArchitectureCatalog architectures = new ArchitectureCatalog(runtime);
			DatasetProperties dp = new DatasetProperties(TestDatasets.root(), false, java.time.Duration.ofSeconds(1),
					null);
			LoadedDataset mnist = new DatasetCatalog(dp, new DatasetDownloader(dp)).load("mnist");
			int n = mnist.train().count();
			float[] pixels = new float[n * 784];
			long[] labels = new long[n];
			for (int i = 0; i < pixels.length; i++) {
				pixels[i] = ((mnist.train().pixels()[i] & 0xFF) / 255f - mnist.mean()[0]) / mnist.std()[0];
			}
			for (int i = 0; i < n; i++) {
				labels[i] = mnist.train().labels()[i];
			}
			NDArray x = data.create(FloatBuffer.wrap(pixels), new Shape(n, 1, 28, 28));
			NDArray y = data.create(labels);
			Loop loop = new Loop(runtime, architectures, mnist, data, x, y);
			// untimed warm-up epoch, so the JIT has compiled the loop as it has in a
			// service that has already run a job
			TrainThroughputBench.epoch(runtime, architectures, mnist, x, y, 64);
			return loop;
		}

		double epoch(int batch) {
			return TrainThroughputBench.epoch(this.runtime, this.architectures, this.mnist, this.x, this.y, batch);
		}

		@Override
		public void close() {
			this.data.close();
		}

	}

	private static double epoch(EngineRuntime runtime, ArchitectureCatalog architectures, LoadedDataset mnist,
			NDArray x, NDArray y, int batch) {
		int n = (int) x.getShape().get(0);
		try (Model model = Model.newInstance("bench", runtime.device(), "PyTorch")) {
			model.setBlock(architectures.get("lenet").build(mnist.inputSpec(), ArchitectureOptions.DEFAULTS));
			DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
				.optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.001f)).build())
				.optInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
						XavierInitializer.FactorType.IN, 1f), Parameter.Type.WEIGHT);
			try (Trainer trainer = model.newTrainer(config)) {
				trainer.initialize(new Shape(batch, 1, 28, 28));
				long start = System.nanoTime();
				for (int from = 0; from < n; from += batch) {
					int to = Math.min(from + batch, n);
					try (NDManager step = trainer.getManager().newSubManager()) {
						NDArray xb = x.get(new NDIndex(from + ":" + to));
						NDArray yb = y.get(new NDIndex(from + ":" + to));
						xb.attach(step);
						yb.attach(step);
						try (GradientCollector gc = trainer.newGradientCollector()) {
							NDArray logits = trainer.forward(new NDList(xb)).singletonOrThrow();
							NDArray loss = trainer.getLoss().evaluate(new NDList(yb), new NDList(logits));
							gc.backward(loss);
						}
						trainer.step();
					}
				}
				return n / ((System.nanoTime() - start) / 1e9);
			}
		}
	}

}
