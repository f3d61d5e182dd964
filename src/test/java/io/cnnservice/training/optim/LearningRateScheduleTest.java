package io.cnnservice.training.optim;

import io.cnnservice.TestRequests;
import io.cnnservice.training.api.TrainingRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LearningRateScheduleTest {

	@Test
	void constantNeverChanges() {
		var s = new LearningRateSchedule(TrainingRequest.LrSchedule.CONSTANT, 0.01f, 100, 5, 1, 0.1f);
		assertThat(s.getNewValue(1)).isEqualTo(0.01f);
		assertThat(s.atEndOfEpoch(5)).isEqualTo(0.01f);
	}

	@Test
	void stepDecaysAtEpochBoundaries() {
		var s = new LearningRateSchedule(TrainingRequest.LrSchedule.STEP, 0.1f, 10, 6, 2, 0.5f);
		assertThat(s.atEndOfEpoch(1)).isEqualTo(0.1f);
		assertThat(s.atEndOfEpoch(2)).isEqualTo(0.1f);
		// the first update of epoch 3 already uses the decayed rate
		assertThat(s.getNewValue(21)).isCloseTo(0.05f, within(1e-7f));
		assertThat(s.atEndOfEpoch(6)).isCloseTo(0.025f, within(1e-7f));
	}

	@Test
	void cosineStartsAtTheBaseAndEndsNearZero() {
		var s = new LearningRateSchedule(TrainingRequest.LrSchedule.COSINE, 0.004f, 100, 2, 1, 0.1f);
		assertThat(s.getNewValue(1)).isEqualTo(0.004f);
		assertThat(s.getNewValue(101)).isCloseTo(0.002f, within(1e-6f));
		assertThat(s.atEndOfEpoch(2)).isLessThan(1e-6f);
		assertThat(s.getNewValue(1000)).isEqualTo(0f);
	}

	@Test
	void requestDefaultsFollowTheNotes() {
		TrainingRequest r = TestRequests.parse("""
				{"architecture": "seed-cnn", "dataset": "mnist", "epochs": 9, "optimizer": "sgd"}""").withDefaults(5);
		assertThat(r.optimization().learningRate()).isEqualTo(0.01);
		assertThat(r.optimization().momentum()).isEqualTo(0.9);
		assertThat(r.schedule().lrSchedule()).isEqualTo(TrainingRequest.LrSchedule.CONSTANT);
		assertThat(r.schedule().lrStepEpochs()).isEqualTo(3);
		assertThat(r.data().shuffle()).isTrue();
		assertThat(r.seed()).isEqualTo(5);
		assertThat(r.modelName()).isEqualTo("seed-cnn-mnist");
	}

}
