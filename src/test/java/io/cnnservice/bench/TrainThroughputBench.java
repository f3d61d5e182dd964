package io.cnnservice.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.Locale;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.Trainer;
import io.cnnservice.training.api.EpochResult;
import io.cnnservice.training.loop.TrainingStep;

/**
 * The ceiling for this engine, (b) in bench/train-throughput: lenet on MNIST trained by a
 * bare DJL loop over tensors built once, sliced in order, with no data pipeline, metrics
 * or progress. One warmed-up JVM trains an epoch whenever it reads a batch size on stdin,
 * so the bare loop can be measured interleaved with the service's jobs and PyTorch's
 * runs. (bench/step-breakdown compares it with the service's loop inside one JVM.)
 */
public final class TrainThroughputBench {

	private TrainThroughputBench() {
	}

	/**
	 * Reads batch sizes from stdin, one per line, and answers each with one line
	 * {@code BENCH {"loop": "raw-djl", "batch": B, "imagesPerSecond": R,
	 * "medianBatchMillis": M}} after training one epoch at that batch size. Prints
	 * {@code READY} once warmed up.
	 */
	public static void main(String[] args) throws IOException {
		// the same allocator tuning as the service, so that (a) and (b) differ only in
		// the loop
		try (LenetMnist lenet = LenetMnist.load(true)) {
			// untimed warm-up epoch, so the JIT has compiled the loop as it has in a
			// service that has already run a job
			epoch(lenet, 64);
			System.out.println("READY");
			BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
			for (String line = in.readLine(); line != null; line = in.readLine()) {
				int batch = Integer.parseInt(line.trim());
				Timed epoch = timedEpoch(lenet, batch);
				System.out.printf(Locale.ROOT,
						"BENCH {\"loop\": \"raw-djl\", \"batch\": %d, \"imagesPerSecond\": %.0f, \"medianBatchMillis\": %.3f}%n",
						batch, epoch.imagesPerSecond(), epoch.medianBatchMillis());
			}
		}
	}

	/**
	 * One epoch of the bare loop on a fresh model.
	 * @return images per second
	 */
	public static double epoch(LenetMnist lenet, int batch) {
		return timedEpoch(lenet, batch).imagesPerSecond();
	}

	/**
	 * One epoch of the bare loop on a fresh model, timed as the service times its epochs.
	 */
	public static Timed timedEpoch(LenetMnist lenet, int batch) {
		int n = lenet.count();
		long[] batchNanos = new long[(n + batch - 1) / batch];
		try (Model model = lenet.newModel(); Trainer trainer = LenetMnist.newTrainer(model, batch)) {
			long start = System.nanoTime();
			long batchStart = start;
			for (int from = 0, b = 0; from < n; from += batch, b++) {
				try (NDManager step = trainer.getManager().newSubManager()) {
					NDIndex rows = new NDIndex(from + ":" + Math.min(from + batch, n));
					NDArray x = lenet.x().get(rows);
					NDArray y = lenet.y().get(rows);
					x.attach(step);
					y.attach(step);
					TrainingStep.run(trainer, x, y);
				}
				long now = System.nanoTime();
				batchNanos[b] = now - batchStart;
				batchStart = now;
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			return new Timed(n / seconds, EpochResult.medianMillis(batchNanos));
		}
	}

	/**
	 * @param imagesPerSecond over the whole epoch
	 * @param medianBatchMillis the median wall time of one batch, as the service's epoch
	 * history reports it
	 */
	public record Timed(double imagesPerSecond, double medianBatchMillis) {
	}

}
