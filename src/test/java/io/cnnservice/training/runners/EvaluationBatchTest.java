package io.cnnservice.training.runners;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.cnnservice.architectures.ArchitectureCatalog;
import io.cnnservice.architectures.ArchitectureOptions;
import io.cnnservice.datasets.InputSpec;
import io.cnnservice.engine.EngineProperties;
import io.cnnservice.engine.EngineRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many test images one evaluation pass takes: enough to keep the engine busy, few
 * enough that the largest activation stays in the allocator's heap, on the real engine.
 */
class EvaluationBatchTest {

	private static EngineRuntime runtime;

	private static ArchitectureCatalog catalog;

	@BeforeAll
	static void loadEngine() {
		runtime = new EngineRuntime(new EngineProperties(EngineProperties.DeviceChoice.CPU, 0, 0, true, "", true));
		catalog = new ArchitectureCatalog(runtime);
	}

	@ParameterizedTest(name = "{0} on {1}x{2}x{3}: largest output {4} values, {5} images per pass")
	@CsvSource({
			// conv1's 6x28x28 (padded for digits): small enough for the 1,000 cap
			"lenet, 1, 28, 28, 4704, 1000",
			// the first stage's 16x32x32
			"resnet, 3, 32, 32, 16384, 384",
			// the first stage's 64x32x32 is 256 KB an image: a pass of 1,000 took 262 MB
			"vgg-small, 3, 32, 32, 65536, 96",
			// a custom folder of 224-pixel photos: 12.8 MB an image, one at a time
			"vgg-small, 3, 224, 224, 3211264, 1" })
	void passesStayUnderTheActivationBudget(String architecture, int channels, int height, int width, long largest,
			int batch) {
		Block block = catalog.get(architecture)
			.build(new InputSpec(channels, height, width, 10), ArchitectureOptions.DEFAULTS);
		Shape input = new Shape(1, channels, height, width);
		try (NDManager manager = runtime.engine().newBaseManager()) {
			block.initialize(manager, DataType.FLOAT32, input);
			assertThat(ArchitectureCatalog.largestOutput(block, input)).isEqualTo(largest);
		}
		int images = JobTrainer.evaluationBatch(largest);
		assertThat(images).isEqualTo(batch);
		assertThat(images * largest * Float.BYTES)
			.isLessThanOrEqualTo(Math.max(JobTrainer.EVAL_ACTIVATION_BYTES, largest * Float.BYTES));
	}

}
