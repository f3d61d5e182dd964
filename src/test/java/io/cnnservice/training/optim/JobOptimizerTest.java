package io.cnnservice.training.optim;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.cnnservice.training.api.TrainingRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's optimizers against DJL's, on the real engine: the same weights after the
 * same gradients, and the same again after a save and restore in the middle.
 */
class JobOptimizerTest {

	private static final Tracker COSINE = new LearningRateSchedule(TrainingRequest.LrSchedule.COSINE, 0.01f, 7, 3, 1,
			0.1f);

	private static final List<Shape> SHAPES = List.of(new Shape(6, 1, 5, 5), new Shape(6), new Shape(10, 24));

	private static final int STEPS = 20;

	@Test
	void adamMatchesDjlsAdam() throws IOException {
		compare(Optimizer.adam().optLearningRateTracker(COSINE).optWeightDecays(1e-3f).build(),
				(m) -> new JobOptimizer.Adam(m, COSINE, 1e-3f));
	}

	@Test
	void sgdWithMomentumMatchesDjlsSgd() throws IOException {
		compare(Optimizer.sgd().setLearningRateTracker(COSINE).optMomentum(0.9f).optWeightDecays(5e-4f).build(),
				(m) -> new JobOptimizer.Sgd(m, COSINE, 5e-4f, 0.9f));
	}

	@Test
	void plainSgdMatchesDjlsSgd() throws IOException {
		compare(Optimizer.sgd().setLearningRateTracker(COSINE).optMomentum(0f).build(),
				(m) -> new JobOptimizer.Sgd(m, COSINE, 0f, 0f));
	}

	private interface Factory {

		JobOptimizer create(NDManager manager);

	}

	/**
	 * Runs DJL's optimizer over STEPS random gradients, ours over the same in one go, and
	 * ours again saved after 8 steps and restored into a new optimizer with new parameter
	 * ids, as a resumed job does.
	 */
	private static void compare(Optimizer djl, Factory ours) throws IOException {
		try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
			Random random = new Random(3);
			float[][] initial = new float[SHAPES.size()][];
			for (int p = 0; p < SHAPES.size(); p++) {
				initial[p] = randoms(random, (int) SHAPES.get(p).size());
			}
			float[][][] grads = new float[STEPS][SHAPES.size()][];
			for (int s = 0; s < STEPS; s++) {
				for (int p = 0; p < SHAPES.size(); p++) {
					grads[s][p] = randoms(random, (int) SHAPES.get(p).size());
				}
			}
			float[][] expected = run(manager, djl, initial, grads, 0, STEPS, "djl-");
			try (JobOptimizer straight = ours.create(manager.newSubManager())) {
				float[][] actual = run(manager, straight, initial, grads, 0, STEPS, "a-");
				for (int p = 0; p < SHAPES.size(); p++) {
					assertThat(actual[p]).as("parameter %d", p).containsExactly(expected[p]);
				}
			}
			try (JobOptimizer first = ours.create(manager.newSubManager());
					JobOptimizer second = ours.create(manager.newSubManager())) {
				float[][] halfway = run(manager, first, initial, grads, 0, 8, "b-");
				ByteArrayOutputStream bytes = new ByteArrayOutputStream();
				first.save(new DataOutputStream(bytes), Map.of("b-0", "w0", "b-1", "w1", "b-2", "w2"));
				second.restore(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
						Map.of("w0", "c-0", "w1", "c-1", "w2", "c-2"));
				assertThat(second.updates()).isEqualTo(8);
				float[][] resumed = run(manager, second, halfway, grads, 8, STEPS, "c-");
				for (int p = 0; p < SHAPES.size(); p++) {
					assertThat(resumed[p]).as("parameter %d after a restore", p).containsExactly(expected[p]);
				}
			}
		}
	}

	private static float[][] run(NDManager manager, Optimizer optimizer, float[][] start, float[][][] grads, int from,
			int to, String ids) {
		NDArray[] weights = new NDArray[SHAPES.size()];
		for (int p = 0; p < SHAPES.size(); p++) {
			weights[p] = manager.create(start[p], SHAPES.get(p));
			weights[p].setRequiresGradient(true);
		}
		for (int s = from; s < to; s++) {
			for (int p = 0; p < SHAPES.size(); p++) {
				optimizer.update(ids + p, weights[p], manager.create(grads[s][p], SHAPES.get(p)));
			}
		}
		float[][] out = new float[SHAPES.size()][];
		for (int p = 0; p < SHAPES.size(); p++) {
			out[p] = weights[p].toFloatArray();
		}
		return out;
	}

	private static float[] randoms(Random random, int n) {
		float[] values = new float[n];
		for (int i = 0; i < n; i++) {
			values[i] = (float) random.nextGaussian();
		}
		return values;
	}

}
