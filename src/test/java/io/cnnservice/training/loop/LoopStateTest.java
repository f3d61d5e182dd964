package io.cnnservice.training.loop;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A loop state saved at awkward moments comes back to the same place. */
class LoopStateTest {

	@Test
	void aStateSavedAfterTheEpochsDrawBeforeItsFirstBatchDoesNotDrawAgain() {
		LoopState running = new LoopState(50, 5, 3);
		running.drawOrder(true);
		int[] drawn = running.order.clone();
		LoopState resumed = new LoopState(running.save(System.nanoTime()), 5);

		resumed.drawOrder(true);
		running.nextEpoch(0);
		running.drawOrder(true);
		resumed.nextEpoch(0);
		resumed.drawOrder(true);

		assertThat(new LoopState(running.save(System.nanoTime()), 5).order).containsExactly(resumed.order);
		assertThat(resumed.order).as("the next epoch draws a new order").isNotEqualTo(drawn);
		assertThat(resumed.shuffle.state()).isEqualTo(running.shuffle.state());
	}

	@Test
	void aStateSavedAtTheEndOfAnEpochDrawsTheNextOrderFromWhereTheShuffleWas() {
		LoopState running = new LoopState(50, 5, 3);
		running.drawOrder(true);
		running.nextEpoch(0);
		LoopState resumed = new LoopState(running.save(System.nanoTime()), 5);

		running.drawOrder(true);
		resumed.drawOrder(true);

		assertThat(resumed.order).containsExactly(running.order);
	}

}
