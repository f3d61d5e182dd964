package io.cnnservice.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The running train figures, on the real engine.
 */
class EpochTotalsTest {

	@Test
	void sumsPerImageLossesAndCorrectCountsWithAShortLastBatch() {
		try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
			EpochTotals totals = new EpochTotals(manager, 4);
			NDArray labels = manager.create(new long[] { 0, 1, 1, 0 });
			// logits whose argmax is 0, 1, 0, 0: three right of four
			NDArray logits = manager.create(new float[][] { { 2, 1 }, { 0, 3 }, { 5, 4 }, { 1, 0 } });
			totals.add(manager.create(1f), logits, labels, 4);
			totals.add(manager.create(2f), logits, labels, 4);
			totals.add(manager.create(3f), logits.get("0:2"), labels.get("0:2"), 2);
			totals.read();
			assertThat(totals.lossSum()).isCloseTo(1 * 4 + 2 * 4 + 3 * 2, within(1e-4));
			assertThat(totals.correct()).isEqualTo(3 + 3 + 2);
		}
	}

}
