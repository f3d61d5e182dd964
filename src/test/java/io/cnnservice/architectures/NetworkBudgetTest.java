package io.cnnservice.architectures;

import java.util.List;

import ai.djl.ndarray.types.Shape;
import io.cnnservice.datasets.InputSpec;
import io.cnnservice.engine.EngineProperties;
import io.cnnservice.engine.EngineRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The size check that runs before a network is allocated, against the real engine's
 * counts.
 */
class NetworkBudgetTest {

	static final InputSpec MNIST = new InputSpec(1, 28, 28, 10);

	static final InputSpec CIFAR = new InputSpec(3, 32, 32, 10);

	private static ArchitectureCatalog catalog;

	private final NetworkBudget budget = new NetworkBudget(
			new ArchitectureLimits(50_000_000, DataSize.ofMegabytes(2560)));

	@BeforeAll
	static void loadEngine() {
		catalog = new ArchitectureCatalog(
				new EngineRuntime(new EngineProperties(EngineProperties.DeviceChoice.CPU, 0, 0, true, "", true)));
	}

	@ParameterizedTest(name = "{0} on {1}")
	@CsvSource({ "seed-fc, mnist", "mlp, mnist", "seed-cnn, mnist", "lenet, cifar10", "vgg-small, cifar10",
			"resnet, cifar10", "resnet9, cifar10" })
	void theEstimateCountsTheParametersTheEngineAllocates(String architecture, String dataset) {
		InputSpec input = dataset.equals("mnist") ? MNIST : CIFAR;
		NetworkCost cost = NetworkCost.of(catalog.get(architecture).build(input, ArchitectureOptions.DEFAULTS),
				new Shape(1, input.channels(), input.height(), input.width()));
		LayerTable table = catalog.layerTable(architecture, dataset, input, ArchitectureOptions.DEFAULTS);
		assertThat(cost.parameters()).isEqualTo(table.totalParameters());
		assertThat(cost.activationsPerImage()).isGreaterThanOrEqualTo(
				table.layers().stream().mapToLong(LayerTable.Layer::outputUnits).max().orElseThrow());
	}

	@Test
	void theCoursesRecipesFit() {
		this.budget.check(catalog.get("resnet9"), CIFAR, new ArchitectureOptions(null, null, 32), 512);
		this.budget.check(catalog.get("resnet9"), CIFAR, ArchitectureOptions.DEFAULTS, 256);
		this.budget.check(catalog.get("vgg-small"), CIFAR, ArchitectureOptions.DEFAULTS, 256);
		this.budget.check(catalog.get("resnet"), CIFAR, new ArchitectureOptions(null, 110, null), 128);
		this.budget.check(catalog.get("mlp"), MNIST, new ArchitectureOptions(List.of(4096, 4096), null, null), 1024);
	}

	@Test
	void aHugeMlpIsRefusedByItsHiddenSizes() {
		assertThatThrownBy(() -> this.budget.check(catalog.get("mlp"), MNIST,
				new ArchitectureOptions(List.of(16384, 16384), null, null), 0))
			.isInstanceOfSatisfying(IncompatibleArchitectureException.class,
					ex -> assertThat(ex.field()).isEqualTo("hiddenSizes"))
			.hasMessageContaining("cnn.architectures.max-parameters");
	}

	@Test
	void aWideResnet9IsRefusedByItsWidthAndAHugeBatchByItsSize() {
		assertThatThrownBy(
				() -> this.budget.check(catalog.get("resnet9"), CIFAR, new ArchitectureOptions(null, null, 256), 4096))
			.isInstanceOfSatisfying(IncompatibleArchitectureException.class,
					ex -> assertThat(ex.field()).isEqualTo("width"));
		assertThatThrownBy(() -> this.budget.check(catalog.get("resnet9"), CIFAR, ArchitectureOptions.DEFAULTS, 4096))
			.isInstanceOfSatisfying(IncompatibleArchitectureException.class,
					ex -> assertThat(ex.field()).isEqualTo("batchSize"))
			.hasMessageContaining("cnn.architectures.max-training-memory");
	}

}
