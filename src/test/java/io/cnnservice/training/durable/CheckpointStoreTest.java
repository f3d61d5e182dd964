package io.cnnservice.training.durable;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.NormalInitializer;
import io.cnnservice.models.ModelStoreProperties;
import io.cnnservice.training.api.EpochResult;
import io.cnnservice.training.api.TrainingRequest;
import io.cnnservice.training.loop.SavedState;
import io.cnnservice.training.optim.JobOptimizer;
import io.cnnservice.training.optim.LearningRateSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checkpoints on disk: what comes back, how many are kept, and what a damaged one does.
 */
class CheckpointStoreTest {

	@TempDir
	Path store;

	private static final EpochResult EPOCH_1 = new EpochResult(1, 0.5, 0.8, 0.4, 0.85, 3.0, 100, 0.01, 2.5);

	private CheckpointStore checkpoints() {
		return new CheckpointStore(new ModelStoreProperties(this.store), JsonMapper.builder().build());
	}

	private static Block linear(NDManager manager) {
		Block block = Linear.builder().setUnits(3).build();
		block.setInitializer(new NormalInitializer(), ai.djl.nn.Parameter.Type.WEIGHT);
		block.initialize(manager, DataType.FLOAT32, new Shape(2, 4));
		return block;
	}

	private static SavedState state(int batch) {
		return new SavedState(new SavedState.Place(2, batch), new SavedState.Order(new int[] { 3, 1, 2, 0 }, true),
				new SavedState.Random(12345L, 67890L), new SavedState.Totals(4 * batch, 1.25 * batch, 3L * batch),
				new SavedState.Timing(1_000_000L * batch, 3_000_000_000L, new long[] { 11, 12 }), List.of(EPOCH_1));
	}

	@Test
	void readsBackWhatItWroteAndKeepsTheNewestTwo() throws Exception {
		CheckpointStore checkpoints = checkpoints();
		try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
			Block block = linear(manager);
			Map<String, String> names = Map.of(block.getParameters().get(0).getValue().getId(), "weight",
					block.getParameters().get(1).getValue().getId(), "bias");
			try (JobOptimizer optimizer = new JobOptimizer.Adam(manager.newSubManager(),
					new LearningRateSchedule(TrainingRequest.LrSchedule.CONSTANT, 0.1f, 1, 1, 1, 1f), 0f)) {
				for (int batch = 1; batch <= 3; batch++) {
					checkpoints.write("job1", state(batch), block, optimizer, names);
				}
			}
			assertThat(checkpoints.files("job1")).extracting(p -> p.getFileName().toString())
				.containsExactly("checkpoint-000003.ckpt", "checkpoint-000002.ckpt");

			CheckpointStore.Checkpoint latest = checkpoints.latest("job1").orElseThrow();
			SavedState saved = latest.state();
			assertThat(saved.batch()).isEqualTo(3);
			assertThat(saved.order().indices()).containsExactly(3, 1, 2, 0);
			assertThat(saved.random().shuffle()).isEqualTo(12345L);
			assertThat(saved.random().augment()).isEqualTo(67890L);
			assertThat(saved.totals().lossSum()).isEqualTo(3.75);
			assertThat(saved.timing().batchNanos()).containsExactly(11, 12);
			assertThat(saved.history()).containsExactly(EPOCH_1);
			Block copy = Linear.builder().setUnits(3).build();
			copy.loadParameters(manager, latest.parameterStream());
			assertThat(copy.getParameters().get(0).getValue().getArray().toFloatArray())
				.containsExactly(block.getParameters().get(0).getValue().getArray().toFloatArray());
		}
	}

	@Test
	void aDamagedNewestCheckpointFallsBackToTheOneBefore() throws Exception {
		CheckpointStore checkpoints = checkpoints();
		try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
			Block block = linear(manager);
			try (JobOptimizer optimizer = new JobOptimizer.Sgd(manager.newSubManager(),
					new LearningRateSchedule(TrainingRequest.LrSchedule.CONSTANT, 0.1f, 1, 1, 1, 1f), 0f, 0.9f)) {
				checkpoints.write("job2", state(1), block, optimizer, Map.of());
				checkpoints.write("job2", state(2), block, optimizer, Map.of());
			}
		}
		Path newest = checkpoints.files("job2").get(0);
		try (RandomAccessFile file = new RandomAccessFile(newest.toFile(), "rw")) {
			file.seek(file.length() / 2);
			int b = file.read();
			file.seek(file.length() / 2);
			file.write(b ^ 0x01);
		}
		assertThat(checkpoints.latest("job2").orElseThrow().state().batch()).isEqualTo(1);

		// a file cut short (a disk that filled up) is refused the same way
		Path older = checkpoints.files("job2").get(1);
		Files.write(older, java.util.Arrays.copyOf(Files.readAllBytes(older), 100));
		assertThat(checkpoints.latest("job2")).isEmpty();
		assertThat(checkpoints.exists("job2")).isTrue();
		checkpoints.delete("job2");
		assertThat(checkpoints.exists("job2")).isFalse();
	}

}
