package io.cnnservice.training;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

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
 * Where a training step's time goes: lenet on MNIST for one epoch, in one JVM, with the
 * service's pieces added one at a time to a bare loop, the variants interleaved run by
 * run. Prints the time {@link BatchAssembler} takes alone, then one line per variant:
 * {@code BREAKDOWN <variant> batch <b> median <img/s> = <ms>/step}. bench/step-breakdown
 * runs it under each memory allocator setting.
 * <p>
 * System properties: {@code bench.runs} (5), {@code bench.batch} (64),
 * {@code bench.variants} (BARE,SHUFFLED), {@code bench.tune} (true: the service's
 * allocator tuning).
 */
@Tag("bench")
class StepBreakdownBench {

	enum Variant {

		/** Slices of the training set built once as one tensor, in order. */
		BARE,
		/** Batches from {@link BatchAssembler}, in order. */
		ASSEMBLER,
		/** Batches from {@link BatchAssembler}, shuffled. */
		SHUFFLED_ONLY,
		/** Batches from {@link BatchAssembler} in order, plus {@link EpochTotals}. */
		TOTALS,
		/** What the service's loop does: shuffled batches and {@link EpochTotals}. */
		SHUFFLED,
		/**
		 * As SHUFFLED, on a new thread per epoch while the main thread's OpenMP team
		 * lives on: shows what the service avoids by running engine work on threads that
		 * exit (see {@code EngineWork}).
		 */
		SHUFFLED_THREAD

	}

	@Test
	void measure() {
		int runs = Integer.getInteger("bench.runs", 5);
		int batch = Integer.getInteger("bench.batch", 64);
		EngineRuntime runtime = new EngineRuntime(new EngineProperties(EngineProperties.DeviceChoice.CPU, 0, 0, true,
				"", Boolean.parseBoolean(System.getProperty("bench.tune", "true"))));
		ArchitectureCatalog architectures = new ArchitectureCatalog(runtime);
		DatasetProperties dp = new DatasetProperties(TestDatasets.root(), false, java.time.Duration.ofSeconds(1), null);
		LoadedDataset mnist = new DatasetCatalog(dp, new DatasetDownloader(dp)).load("mnist");
		int n = mnist.train().count();
		try (NDManager data = runtime.engine().newBaseManager()) {
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
			BatchAssembler assembler = new BatchAssembler(mnist.train(), mnist.mean(), mnist.std(), null, false, batch);
			// assembler alone
			int[] sequential = IntStream.range(0, n).toArray();
			int[] shuffled = sequential.clone();
			BatchAssembler.shuffle(shuffled, new Random(1));
			for (int[] order : new int[][] { sequential, shuffled, sequential, shuffled })
				try (NDManager m = runtime.engine().newBaseManager()) {
					for (int rep = 0; rep < 3; rep++) {
						long t0 = System.nanoTime();
						int count = 0;
						for (int from = 0; from < n; from += batch) {
							int to = Math.min(from + batch, n);
							try (NDManager s = m.newSubManager()) {
								assembler.images(s, order, from, to, null);
								assembler.labels(s, order, from, to);
							}
							count++;
						}
						System.out.printf("BREAKDOWN assembler-only %s %.1f us/batch%n",
								(order == sequential) ? "sequential" : "shuffled",
								(System.nanoTime() - t0) / 1e3 / count);
					}
				}
			epoch(runtime, architectures, mnist, x, y, assembler, batch, Variant.BARE);
			Map<Variant, List<Double>> rates = new LinkedHashMap<>();
			for (int r = 0; r < runs; r++) {
				for (Variant v : Arrays.stream(System.getProperty("bench.variants", "BARE,SHUFFLED").split(","))
					.map(Variant::valueOf)
					.toList()) {
					double[] rate = new double[1];
					Runnable task = () -> rate[0] = epoch(runtime, architectures, mnist, x, y, assembler, batch, v);
					if (v == Variant.SHUFFLED_THREAD) {
						Thread t = new Thread(task);
						t.start();
						try {
							t.join();
						}
						catch (InterruptedException ex) {
							throw new IllegalStateException(ex);
						}
					}
					else {
						task.run();
					}
					rates.computeIfAbsent(v, k -> new ArrayList<>()).add(rate[0]);
				}
			}
			rates.forEach((v, list) -> {
				double[] a = list.stream().mapToDouble(Double::doubleValue).sorted().toArray();
				double med = a[a.length / 2];
				System.out.printf("BREAKDOWN %s batch %d median %.0f img/s = %.3f ms/step runs %s%n", v, batch, med,
						batch / med * 1e3, Arrays.toString(a));
			});
		}
	}

	private static double epoch(EngineRuntime runtime, ArchitectureCatalog architectures, LoadedDataset mnist,
			NDArray x, NDArray y, BatchAssembler assembler, int batch, Variant v) {
		int n = (int) x.getShape().get(0);
		int[] order = IntStream.range(0, n).toArray();
		if (v == Variant.SHUFFLED || v == Variant.SHUFFLED_ONLY || v == Variant.SHUFFLED_THREAD) {
			BatchAssembler.shuffle(order, new Random(1));
		}
		try (Model model = Model.newInstance("bench", runtime.device(), "PyTorch")) {
			model.setBlock(architectures.get("lenet").build(mnist.inputSpec(), ArchitectureOptions.DEFAULTS));
			DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
				.optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.001f)).build())
				.optInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
						XavierInitializer.FactorType.IN, 1f), Parameter.Type.WEIGHT);
			try (Trainer trainer = model.newTrainer(config)) {
				trainer.initialize(new Shape(batch, 1, 28, 28));
				long start = System.nanoTime();
				try (NDManager epochManager = trainer.getManager().newSubManager()) {
					EpochTotals totals = new EpochTotals(epochManager, batch);
					int b = 0;
					for (int from = 0; from < n; from += batch, b++) {
						int to = Math.min(from + batch, n);
						try (NDManager step = trainer.getManager().newSubManager()) {
							NDArray xb;
							NDArray yb;
							if (v == Variant.BARE) {
								xb = x.get(new NDIndex(from + ":" + to));
								yb = y.get(new NDIndex(from + ":" + to));
								xb.attach(step);
								yb.attach(step);
							}
							else {
								xb = assembler.images(step, order, from, to, null);
								yb = assembler.labels(step, order, from, to);
							}
							NDArray logits;
							NDArray loss;
							try (GradientCollector gc = trainer.newGradientCollector()) {
								logits = trainer.forward(new NDList(xb)).singletonOrThrow();
								loss = trainer.getLoss().evaluate(new NDList(yb), new NDList(logits));
								gc.backward(loss);
							}
							trainer.step();
							if (v == Variant.TOTALS || v == Variant.SHUFFLED || v == Variant.SHUFFLED_THREAD) {
								totals.add(loss, logits, yb, to - from);
								if (b % 20 == 19) {
									totals.read();
								}
							}
						}
					}
				}
				return n / ((System.nanoTime() - start) / 1e9);
			}
		}
	}

}
