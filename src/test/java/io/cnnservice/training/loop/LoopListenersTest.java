package io.cnnservice.training.loop;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import io.cnnservice.TestRequests;
import io.cnnservice.models.ModelStoreProperties;
import io.cnnservice.training.api.EpochResult;
import io.cnnservice.training.api.Progress;
import io.cnnservice.training.api.TrainingJobView;
import io.cnnservice.training.api.TrainingRequest;
import io.cnnservice.training.durable.CheckpointStore;
import io.cnnservice.training.durable.Checkpointer;
import io.cnnservice.training.jobs.TrainingJob;
import io.cnnservice.training.optim.JobOptimizer;
import io.cnnservice.training.optim.LearningRateSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The loop's listeners, each on its own, driven by a loop state as the loop leaves it.
 */
class LoopListenersTest {

	private static final TrainingRequest REQUEST = TestRequests.parse("""
			{"architecture": "lenet", "dataset": "mnist", "epochs": 2}""").withDefaults(1);

	@TempDir
	Path store;

	/** A state 3 batches of 10 images into epoch 1 of a 100-batch epoch. */
	private static LoopState midEpoch(double lossSum) {
		LoopState state = new LoopState(1000, 100, 1);
		EpochTotals totals = new EpochTotals.OnHost();
		state.startEpoch(totals, System.nanoTime() - 3_000_000);
		for (int b = 0; b < 3; b++) {
			state.batchDone(10, System.nanoTime());
		}
		totals.restore(lossSum, 21);
		return state;
	}

	@Test
	void divergenceIsCaughtAtTheNextReadingAndNamesTheLearningRate() {
		DivergenceCheck check = new DivergenceCheck(100, 0.5);
		LoopState finite = midEpoch(12.0);
		check.afterBatch(finite);
		LoopState nan = midEpoch(Double.NaN);
		// read every 20 batches: batch 3 is not a reading
		check.afterBatch(nan);
		for (int b = 3; b < 20; b++) {
			nan.batchDone(10, System.nanoTime());
		}
		assertThatThrownBy(() -> check.afterBatch(nan)).isInstanceOf(DivergenceCheck.Diverged.class)
			.hasMessageContaining("epoch 1, batch 20")
			.hasMessageContaining("learningRate than 0.5");
	}

	@Test
	void aStopRequestStopsTheLoopBeforeTheNextBatchSayingWhichKind() {
		TrainingJob job = new TrainingJob("job", REQUEST, Instant.now());
		job.start();
		StopCheck stop = new StopCheck(job);
		stop.beforeBatch(midEpoch(1));
		job.requestInterrupt("shutdown");
		assertThatThrownBy(() -> stop.beforeBatch(midEpoch(1))).isInstanceOfSatisfying(StopCheck.Stopped.class,
				ex -> assertThat(ex.interrupted()).isTrue());
		job.requestCancel();
		assertThatThrownBy(stop::check).isInstanceOfSatisfying(StopCheck.Stopped.class,
				ex -> assertThat(ex.interrupted()).isFalse());
	}

	@Test
	void progressCountsTheTimeBeforeAResumeAndTheBatchesOfEarlierEpochs() {
		TrainingJob job = new TrainingJob("job", REQUEST, Instant.now());
		LoopState state = midEpoch(6.0);
		state.epoch = 2;
		new ProgressReporter(job, 100, System.nanoTime(), 5_000_000_000L).afterBatch(state);
		Progress p = job.view().progress();
		assertThat(p.epoch()).isEqualTo(2);
		assertThat(p.batch()).isEqualTo(3);
		assertThat(p.percent()).isEqualTo(51.5);
		assertThat(p.runningLoss()).isEqualTo(0.2);
		assertThat(p.runningAccuracy()).isEqualTo(0.7);
		assertThat(p.elapsedSeconds()).isGreaterThanOrEqualTo(5.0);
	}

	@Test
	void theRecorderAddsEachEpochAndSavesTheJob() {
		TrainingJob job = new TrainingJob("job", REQUEST, Instant.now());
		List<TrainingJobView> saved = new ArrayList<>();
		JobRecorder recorder = new JobRecorder(job, j -> saved.add(j.view()));
		EpochResult result = new EpochResult(1, 0.5, 0.8, 0.4, 0.85, 3, 100, 0.01, 2.0);
		recorder.afterEpoch(midEpoch(1), result);
		assertThat(saved).hasSize(1);
		assertThat(saved.get(0).history()).containsExactly(result);
	}

	@Test
	void checkpointsAreWrittenEveryIntervalAndAtEveryEpochsEnd() throws Exception {
		CheckpointStore checkpoints = new CheckpointStore(new ModelStoreProperties(this.store),
				JsonMapper.builder().build());
		List<Duration> metrics = new ArrayList<>();
		TrainingJob job = new TrainingJob("job", REQUEST, Instant.now());
		try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
			Block block = Linear.builder().setUnits(2).build();
			block.initialize(manager, DataType.FLOAT32, new Shape(1, 3));
			try (JobOptimizer optimizer = new JobOptimizer.Adam(manager.newSubManager(),
					new LearningRateSchedule(TrainingRequest.LrSchedule.CONSTANT, 0.1f, 1, 1, 1, 1f), 0f)) {
				Checkpointer never = new Checkpointer(job, checkpoints, block, optimizer, Map.of(), metrics::add,
						Duration.ZERO);
				never.afterBatch(midEpoch(1));
				assertThat(checkpoints.exists("job")).as("no mid-epoch checkpoints at interval 0").isFalse();
				never.afterEpoch(midEpoch(1), null);
				assertThat(checkpoints.files("job")).hasSize(1);
				assertThat(job.recovery().checkpoint().batch()).isEqualTo(3);
				assertThat(metrics).hasSize(1);

				Checkpointer often = new Checkpointer(job, checkpoints, block, optimizer, Map.of(), metrics::add,
						Duration.ofMillis(1));
				Thread.sleep(5);
				often.afterBatch(midEpoch(1));
				assertThat(checkpoints.files("job").get(0).getFileName().toString())
					.isEqualTo("checkpoint-000002.ckpt");
				Checkpointer hourly = new Checkpointer(job, checkpoints, block, optimizer, Map.of(), metrics::add,
						Duration.ofHours(1));
				hourly.afterBatch(midEpoch(1));
				assertThat(checkpoints.files("job").get(0).getFileName().toString()).as("not due yet")
					.isEqualTo("checkpoint-000002.ckpt");
			}
		}
	}

}
