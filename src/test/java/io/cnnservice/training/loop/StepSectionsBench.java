package io.cnnservice.training.loop;

import java.util.Random;
import java.util.stream.IntStream;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.Trainer;
import io.cnnservice.bench.LenetMnist;
import io.cnnservice.training.api.TrainingRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Where the service's loop spends its time beside the training step: lenet on MNIST, one
 * epoch per run, the service's loop (shuffled {@link BatchAssembler} batches,
 * {@link EpochTotals}) and the bare loop of bench/train-throughput alternating in one JVM
 * and thread. Every batch is timed section by section with {@code System.nanoTime()}, so
 * the costs are measured inside one run rather than as differences between runs, which
 * drift on this machine. Prints per run: {@code SECTIONS <loop> run <r>: total
 * <us>/batch; batch <us> step <us> totals <us> read <us> close <us>; again: same rows <us>,
 * other rows <us>}. The last two are the assembler, right after building the batch,
 * building it again (rows and buffer in cache) and building a batch of other random rows
 * (buffer in cache, rows not). They are not part of the total.
 * <p>
 * System property {@code bench.batch} (64), {@code bench.runs} (6).
 */
@Tag("bench")
class StepSectionsBench {

	@Test
	void measure() {
		int batch = Integer.getInteger("bench.batch", 64);
		int runs = Integer.getInteger("bench.runs", 6);
		try (LenetMnist lenet = LenetMnist.load(true)) {
			BatchAssembler assembler = new BatchAssembler(lenet.mnist().train(), lenet.mnist().mean(),
					lenet.mnist().std(), null, TrainingRequest.Augment.NONE, batch);
			for (int r = 0; r < runs; r++) {
				epoch(lenet, assembler, batch, r, true);
				epoch(lenet, assembler, batch, r, false);
			}
		}
	}

	private static void epoch(LenetMnist lenet, BatchAssembler assembler, int batch, int run, boolean service) {
		int n = lenet.count();
		int[] order = IntStream.range(0, n).toArray();
		BatchAssembler.shuffle(order, new Random(1));
		// [0] getting the batch, [1] the step, [2] adding to the totals,
		// [3] reading them, [4] closing the batch's arrays,
		// [5] the same rows again, [6] other rows
		long[] nanos = new long[7];
		int batches = 0;
		try (Model model = lenet.newModel(); Trainer trainer = LenetMnist.newTrainer(model, batch)) {
			long start = System.nanoTime();
			try (NDManager epochManager = trainer.getManager().newSubManager()) {
				EpochTotals totals = EpochTotals.of(epochManager, batch);
				for (int from = 0, b = 0; from < n; from += batch, b++) {
					int to = Math.min(from + batch, n);
					long t0 = System.nanoTime();
					NDManager step = trainer.getManager().newSubManager();
					NDArray x;
					NDArray y;
					if (service) {
						x = assembler.images(step, order, from, to, null);
						y = assembler.labels(step, order, from, to);
					}
					else {
						NDIndex rows = new NDIndex(from + ":" + to);
						x = lenet.x().get(rows);
						y = lenet.y().get(rows);
						x.attach(step);
						y.attach(step);
					}
					long t1 = System.nanoTime();
					nanos[0] += t1 - t0;
					if (service) {
						// other rows (half an epoch away in the shuffled order) into
						// the buffer just written, then this batch's rows once more,
						// which leaves the buffer holding this batch again
						int other = (from + n / 2) % (n - batch);
						try (NDManager again = trainer.getManager().newSubManager()) {
							assembler.images(again, order, other, other + (to - from), null);
							long ta = System.nanoTime();
							assembler.images(again, order, from, to, null);
							long tb = System.nanoTime();
							nanos[6] += ta - t1;
							nanos[5] += tb - ta;
						}
						// not part of the loop's time
						long extra = System.nanoTime() - t1;
						start += extra;
						t1 += extra;
					}
					NDList out = TrainingStep.run(trainer, x, y);
					long t2 = System.nanoTime();
					if (service) {
						totals.add(out.get(1), out.get(0), y, to - from);
					}
					long t3 = System.nanoTime();
					if (service && b % 20 == 19) {
						totals.read();
					}
					long t4 = System.nanoTime();
					step.close();
					long t5 = System.nanoTime();
					nanos[1] += t2 - t1;
					nanos[2] += t3 - t2;
					nanos[3] += t4 - t3;
					nanos[4] += t5 - t4;
					batches++;
				}
			}
			double total = (System.nanoTime() - start) / 1e3 / batches;
			System.out.printf(
					"SECTIONS %s run %d: total %.0f us/batch; batch %.0f step %.0f totals %.0f read %.0f close %.0f; again: same rows %.0f, other rows %.0f%n",
					service ? "service" : "bare", run, total, nanos[0] / 1e3 / batches, nanos[1] / 1e3 / batches,
					nanos[2] / 1e3 / batches, nanos[3] / 1e3 / batches, nanos[4] / 1e3 / batches,
					nanos[5] / 1e3 / batches, nanos[6] / 1e3 / batches);
		}
	}

}
