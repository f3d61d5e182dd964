package io.cnnservice.training.loop;

import java.util.List;
import java.util.stream.IntStream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import io.cnnservice.datasets.formats.ImageSet;
import io.cnnservice.engine.ChannelsLast;
import io.cnnservice.models.TestTimeViews;
import io.cnnservice.training.api.EpochResult;
import io.cnnservice.training.api.TrainingRequest;
import io.cnnservice.training.optim.LearningRateSchedule;

/**
 * A job's epochs: shuffle, train batch by batch, evaluate when due. It starts wherever
 * its {@link LoopState} is, so a job restored from a checkpoint goes on exactly where it
 * stopped. Everything else happens in {@link LoopListener}s.
 */
public final class TrainingLoop {

	/**
	 * Test loss is plain cross-entropy whatever the training loss, so runs with and
	 * without label smoothing compare.
	 */
	private static final Loss TEST_LOSS = Loss.softmaxCrossEntropyLoss();

	/**
	 * The training and test images and how they become batches.
	 *
	 * @param train training split
	 * @param test test split
	 * @param trainBatches assembles (and augments) training batches
	 * @param testBatches assembles test batches
	 */
	public record Data(ImageSet train, ImageSet test, BatchAssembler trainBatches, BatchAssembler testBatches) {
	}

	/** Counts of (true class, predicted class) from the last evaluation. */
	private long[][] confusion;

	private final TrainingRequest request;

	private final Trainer trainer;

	private final Data data;

	private final int batchSize;

	private final LearningRateSchedule schedule;

	private final StopCheck stop;

	private final List<LoopListener> listeners;

	public TrainingLoop(TrainingRequest request, Trainer trainer, Data data, int batchSize,
			LearningRateSchedule schedule, StopCheck stop, List<LoopListener> listeners) {
		this.request = request;
		this.trainer = trainer;
		this.data = data;
		this.batchSize = batchSize;
		this.schedule = schedule;
		this.stop = stop;
		this.listeners = listeners;
	}

	int batches() {
		return (this.data.train().count() + this.batchSize - 1) / this.batchSize;
	}

	/**
	 * Trains until the last epoch is done.
	 * @return the last epoch's result
	 */
	public EpochResult run(LoopState s) {
		int batches = batches();
		int images = this.data.train().count();
		for (; s.epoch <= this.request.epochs();) {
			s.drawOrder(this.request.data().shuffle());
			// On a GPU loss and accuracy accumulate on the device and are read every few
			// batches, since reading them each batch would sync the device per step; on
			// the CPU they are summed on the host as each batch ends.
			try (NDManager epochManager = this.trainer.getManager().newSubManager()) {
				s.startEpoch(EpochTotals.of(epochManager, this.batchSize), System.nanoTime());
				while (s.batch < batches) {
					for (LoopListener l : this.listeners) {
						l.beforeBatch(s);
					}
					int from = s.batch * this.batchSize;
					int to = Math.min(from + this.batchSize, images);
					try (NDManager batchManager = this.trainer.getManager().newSubManager()) {
						NDArray x = this.data.trainBatches().images(batchManager, s.order, from, to, s.augment);
						NDArray y = this.data.trainBatches().labels(batchManager, s.order, from, to);
						NDList out = TrainingStep.run(this.trainer, x, y);
						s.totals.add(out.get(1), out.get(0), y, to - from);
					}
					s.batchDone(to - from, System.nanoTime());
					for (LoopListener l : this.listeners) {
						l.afterBatch(s);
					}
				}
				s.totals.read();
				s.pause(System.nanoTime());
				int epoch = s.epoch;
				Double testLoss = null;
				Double testAccuracy = null;
				if (epoch % this.request.evaluation().evaluateEvery() == 0 || epoch == this.request.epochs()) {
					for (LoopListener l : this.listeners) {
						l.beforeEvaluation(s);
					}
					double[] eval = evaluate();
					testLoss = eval[0];
					testAccuracy = eval[1];
				}
				long epochNanos = s.epochNanos(System.nanoTime());
				double seconds = epochNanos / 1e9;
				EpochResult result = new EpochResult(epoch, s.lossSum() / s.seen, (double) s.correct() / s.seen,
						testLoss, testAccuracy, seconds, s.seen / seconds, this.schedule.atEndOfEpoch(epoch),
						s.medianBatchMillis());
				s.history.add(result);
				s.nextEpoch(epochNanos);
				for (LoopListener l : this.listeners) {
					l.afterEpoch(s, result);
				}
			}
		}
		return s.history.get(s.history.size() - 1);
	}

	/**
	 * Mean loss and accuracy on the test split, with batch norm in inference mode. With
	 * test-time views (flips, shifts) the logits are the mean over one pass per view, as
	 * serving computes them; a pass per view rather than one batch of all views keeps the
	 * activations within the evaluation's memory budget.
	 */
	/**
	 * The last evaluation's confusion matrix: rows are true classes, columns predicted
	 * ones; null when this run evaluated nothing.
	 */
	public long[][] confusionMatrix() {
		return this.confusion;
	}

	private double[] evaluate() {
		ImageSet test = this.data.test();
		BatchAssembler testBatches = this.data.testBatches();
		TestTimeViews views = this.request.evaluation().views();
		int batch = testBatches.maxBatch();
		int[] order = IntStream.range(0, test.count()).toArray();
		double lossSum = 0;
		long correct = 0;
		long[][] confusion = null;
		for (int from = 0; from < test.count(); from += batch) {
			this.stop.check();
			int to = Math.min(from + batch, test.count());
			try (NDManager batchManager = this.trainer.getManager().newSubManager()) {
				NDArray x = testBatches.images(batchManager, order, from, to, null);
				NDArray y = testBatches.labels(batchManager, order, from, to);
				NDArray logits = this.trainer.evaluate(new NDList(ChannelsLast.of(x))).singletonOrThrow();
				for (int v = 1; v < views.count(); v++) {
					NDArray view = ChannelsLast.of(views.view(x, v));
					logits = logits.add(this.trainer.evaluate(new NDList(view)).singletonOrThrow());
				}
				logits = logits.div(views.count());
				lossSum += TEST_LOSS.evaluate(new NDList(y), new NDList(logits)).getFloat() * (to - from);
				NDArray predicted = logits.argMax(1);
				correct += predicted.eq(y).countNonzero().getLong();
				int classes = (int) logits.getShape().get(1);
				if (confusion == null) {
					confusion = new long[classes][classes];
				}
				long[] guesses = predicted.toType(DataType.INT64, false).toLongArray();
				long[] truths = y.toType(DataType.INT64, false).toLongArray();
				for (int i = 0; i < guesses.length; i++) {
					confusion[(int) truths[i]][(int) guesses[i]]++;
				}
			}
		}
		this.confusion = confusion;
		return new double[] { lossSum / test.count(), (double) correct / test.count() };
	}

}
