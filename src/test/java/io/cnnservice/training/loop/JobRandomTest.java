package io.cnnservice.training.loop;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JobRandomTest {

	@Test
	void drawsWhatJavaUtilRandomDrawsForTheSameSeed() {
		for (long seed : new long[] { 0, 1, 42, -7, 1L << 40 }) {
			Random plain = new Random(seed);
			JobRandom ours = new JobRandom(seed);
			for (int i = 0; i < 1000; i++) {
				assertThat(ours.nextInt(i + 1)).isEqualTo(plain.nextInt(i + 1));
				assertThat(ours.nextBoolean()).isEqualTo(plain.nextBoolean());
				assertThat(ours.nextLong()).isEqualTo(plain.nextLong());
				assertThat(ours.nextFloat()).isEqualTo(plain.nextFloat());
			}
		}
	}

	@Test
	void aRestoredStateContinuesTheSequenceExactly() {
		JobRandom random = new JobRandom(7);
		for (int i = 0; i < 123; i++) {
			random.nextInt(50_000);
		}
		random.nextGaussian();
		JobRandom resumed = JobRandom.restore(random.state());
		for (int i = 0; i < 1000; i++) {
			assertThat(resumed.nextInt(i + 1)).isEqualTo(random.nextInt(i + 1));
			assertThat(resumed.nextGaussian()).isEqualTo(random.nextGaussian());
		}
	}

}
