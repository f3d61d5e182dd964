package io.cnnservice.training.loop;

import java.util.function.Function;
import java.util.stream.Stream;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The running train figures, on the real engine: the host sums the CPU uses and the
 * engine sums a GPU uses must agree.
 */
class EpochTotalsTest {

	static Stream<Arguments> totals() {
		Function<NDManager, EpochTotals> onHost = m -> new EpochTotals.OnHost();
		Function<NDManager, EpochTotals> onEngine = m -> new EpochTotals.OnEngine(m, 4);
		return Stream.of(Arguments.of("on host", onHost), Arguments.of("on engine", onEngine));
	}

	@Test
	void theCpuSumsOnTheHost() {
		try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager(Device.cpu())) {
			assertThat(EpochTotals.of(manager, 4)).isInstanceOf(EpochTotals.OnHost.class);
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("totals")
	void sumsPerImageLossesAndCorrectCountsWithAShortLastBatch(String where, Function<NDManager, EpochTotals> make) {
		try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
			EpochTotals totals = make.apply(manager);
			NDArray labels = manager.create(new long[] { 0, 1, 1, 2 });
			// argmax 0, 1, 0 and (a tie of classes 1 and 2, which the engine breaks
			// towards the first) 1: two right of four
			NDArray logits = manager.create(new float[][] { { 2, 1, 0 }, { 0, 3, 1 }, { 5, 4, 0 }, { 1, 7, 7 } });
			NDArray loss = manager.create(1f);
			loss.setRequiresGradient(true);
			totals.add(loss, logits, labels, 4);
			totals.add(manager.create(2f), logits, labels, 4);
			// a short last batch that starts inside the arrays' memory: rows 1 and 2,
			// one right
			totals.add(manager.create(3f), logits.get("1:3"), labels.get("1:3"), 2);
			totals.read();
			assertThat(totals.lossSum()).isCloseTo(1 * 4 + 2 * 4 + 3 * 2, within(1e-4));
			assertThat(totals.correct()).isEqualTo(2 + 2 + 1);
			assertThat(logits.argMax(1).toLongArray()).as("the engine's own argmax").containsExactly(0, 1, 0, 1);
		}
	}

}
