package io.cnnservice.training.loop;

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
import ai.djl.training.Trainer;
import io.cnnservice.bench.LenetMnist;
import io.cnnservice.bench.TrainThroughputBench;
import io.cnnservice.training.api.TrainingRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Where a training step's time goes: lenet on MNIST for one epoch, in one JVM, with the
 * service's pieces added one at a time to the bare loop of bench/train-throughput, the
 * variants interleaved run by run. Prints the time {@link BatchAssembler} takes alone,
 * then one line per variant: {@code BREAKDOWN <variant> batch <b> median <img/s> =
 * <ms>/step}. bench/step-breakdown runs it under each memory allocator setting.
 * <p>
 * System properties: {@code bench.runs} (5), {@code bench.batch} (64),
 * {@code bench.variants} (BARE,SHUFFLED), {@code bench.tune} (true: the service's
 * allocator tuning).
 */
@Tag("bench")
public class StepBreakdownBench {

	/** The pieces of the service's loop each variant adds to the bare one. */
	public enum Variant {

		/** The bare loop: slices of the training set built once, in order. */
		BARE(false, false, false, false),
		/** Batches from {@link BatchAssembler}, in order. */
		ASSEMBLER(true, false, false, false),
		/** Batches from {@link BatchAssembler}, shuffled. */
		SHUFFLED_ONLY(true, true, false, false),
		/** Batches from {@link BatchAssembler} in order, plus {@link EpochTotals}. */
		TOTALS(true, false, true, false),
		/** What the service's loop does: shuffled batches and {@link EpochTotals}. */
		SHUFFLED(true, true, true, false),
		/**
		 * As SHUFFLED, on a new thread per epoch while the main thread's OpenMP team
		 * lives on: shows what the service avoids by running engine work on threads that
		 * exit (see {@code EngineWork}).
		 */
		SHUFFLED_THREAD(true, true, true, true);

		final boolean assembled;

		final boolean shuffled;

		final boolean totals;

		final boolean ownThread;

		Variant(boolean assembled, boolean shuffled, boolean totals, boolean ownThread) {
			this.assembled = assembled;
			this.shuffled = shuffled;
			this.totals = totals;
			this.ownThread = ownThread;
		}

	}

	@Test
	void measure() throws InterruptedException {
		int runs = Integer.getInteger("bench.runs", 5);
		int batch = Integer.getInteger("bench.batch", 64);
		List<Variant> variants = Arrays.stream(System.getProperty("bench.variants", "BARE,SHUFFLED").split(","))
			.map(Variant::valueOf)
			.toList();
		try (LenetMnist lenet = LenetMnist.load(Boolean.parseBoolean(System.getProperty("bench.tune", "true")))) {
			BatchAssembler assembler = new BatchAssembler(lenet.mnist().train(), lenet.mnist().mean(),
					lenet.mnist().std(), null, TrainingRequest.Augment.NONE, batch);
			int[] sequential = IntStream.range(0, lenet.count()).toArray();
			int[] shuffled = sequential.clone();
			BatchAssembler.shuffle(shuffled, new Random(1));
			for (int[] order : new int[][] { sequential, shuffled, sequential, shuffled }) {
				assemblerAlone(lenet, assembler, order, batch, (order == sequential) ? "sequential" : "shuffled");
			}
			epoch(lenet, assembler, batch, Variant.BARE); // warm-up
			Map<Variant, List<Double>> rates = new LinkedHashMap<>();
			for (int r = 0; r < runs; r++) {
				for (Variant v : variants) {
					double[] rate = new double[1];
					Runnable task = () -> rate[0] = epoch(lenet, assembler, batch, v);
					if (v.ownThread) {
						Thread t = new Thread(task);
						t.start();
						t.join();
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

	/**
	 * Assembles an epoch of batches with no training, three times, and prints the cost.
	 */
	private static void assemblerAlone(LenetMnist lenet, BatchAssembler assembler, int[] order, int batch,
			String label) {
		int n = lenet.count();
		try (NDManager manager = lenet.runtime().engine().newBaseManager()) {
			for (int rep = 0; rep < 3; rep++) {
				long start = System.nanoTime();
				int count = 0;
				for (int from = 0; from < n; from += batch, count++) {
					int to = Math.min(from + batch, n);
					try (NDManager step = manager.newSubManager()) {
						assembler.images(step, order, from, to, null);
						assembler.labels(step, order, from, to);
					}
				}
				System.out.printf("BREAKDOWN assembler-only %s %.1f us/batch%n", label,
						(System.nanoTime() - start) / 1e3 / count);
			}
		}
	}

	/** One epoch of the variant on a fresh model, in images per second. */
	public static double epoch(LenetMnist lenet, BatchAssembler assembler, int batch, Variant v) {
		if (!v.assembled) {
			return TrainThroughputBench.epoch(lenet, batch);
		}
		int n = lenet.count();
		int[] order = IntStream.range(0, n).toArray();
		if (v.shuffled) {
			BatchAssembler.shuffle(order, new Random(1));
		}
		try (Model model = lenet.newModel(); Trainer trainer = LenetMnist.newTrainer(model, batch)) {
			long start = System.nanoTime();
			try (NDManager epochManager = trainer.getManager().newSubManager()) {
				EpochTotals totals = EpochTotals.of(epochManager, batch);
				for (int from = 0, b = 0; from < n; from += batch, b++) {
					int to = Math.min(from + batch, n);
					try (NDManager step = trainer.getManager().newSubManager()) {
						NDArray x = assembler.images(step, order, from, to, null);
						NDArray y = assembler.labels(step, order, from, to);
						NDList out = TrainingStep.run(trainer, x, y);
						if (v.totals) {
							totals.add(out.get(1), out.get(0), y, to - from);
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
