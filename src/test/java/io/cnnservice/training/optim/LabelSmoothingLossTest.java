package io.cnnservice.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import io.cnnservice.engine.EngineProperties;
import io.cnnservice.engine.EngineRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The label-smoothed training loss against the formula, on the real engine. */
class LabelSmoothingLossTest {

	private static final float[] LOGITS = { 2f, 0f, -1f, 0.5f, 0.5f, 0f };

	private static final float[] LABELS = { 0f, 2f };

	private static NDManager manager;

	@BeforeAll
	static void loadEngine() {
		EngineRuntime runtime = new EngineRuntime(
				new EngineProperties(EngineProperties.DeviceChoice.CPU, 0, 0, true, "", true));
		manager = runtime.engine().newBaseManager();
	}

	@AfterAll
	static void close() {
		manager.close();
	}

	@Test
	void mixesTheUniformDistributionIntoTheTargets() {
		double epsilon = 0.2;
		double expected = 0;
		for (int row = 0; row < 2; row++) {
			double[] logP = logSoftmax(row);
			double uniform = 0;
			for (double v : logP) {
				uniform += v;
			}
			expected += -(1 - epsilon) * logP[(int) LABELS[row]] - epsilon / 3 * uniform;
		}
		expected /= 2;
		assertThat(loss(new LabelSmoothingLoss(epsilon))).isCloseTo(expected, within(1e-5));
	}

	@Test
	void withoutSmoothingItIsTheEnginesCrossEntropy() {
		assertThat(loss(new LabelSmoothingLoss(0))).isCloseTo(loss(Loss.softmaxCrossEntropyLoss()), within(1e-6));
	}

	private static double loss(Loss loss) {
		try (NDManager step = manager.newSubManager()) {
			NDArray logits = step.create(LOGITS, new Shape(2, 3));
			NDArray labels = step.create(LABELS);
			return loss.evaluate(new NDList(labels), new NDList(logits)).getFloat();
		}
	}

	private static double[] logSoftmax(int row) {
		double max = Double.NEGATIVE_INFINITY;
		for (int k = 0; k < 3; k++) {
			max = Math.max(max, LOGITS[row * 3 + k]);
		}
		double sum = 0;
		for (int k = 0; k < 3; k++) {
			sum += Math.exp(LOGITS[row * 3 + k] - max);
		}
		double[] out = new double[3];
		for (int k = 0; k < 3; k++) {
			out[k] = LOGITS[row * 3 + k] - max - Math.log(sum);
		}
		return out;
	}

}
