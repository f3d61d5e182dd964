package io.cnnservice.architectures;

import java.util.List;

import io.cnnservice.datasets.InputSpec;
import io.cnnservice.engine.EngineProperties;
import io.cnnservice.engine.EngineRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parameter counts against the notes' PyTorch definitions, on the real engine. */
class ArchitectureCatalogTest {

	static final InputSpec MNIST = new InputSpec(1, 28, 28, 10);

	static final InputSpec CIFAR = new InputSpec(3, 32, 32, 10);

	private static ArchitectureCatalog catalog;

	@BeforeAll
	static void loadEngine() {
		catalog = new ArchitectureCatalog(
				new EngineRuntime(new EngineProperties(EngineProperties.DeviceChoice.CPU, 0, 0, true, "", true)));
	}

	@ParameterizedTest(name = "{0} on {1}: {2} trainable parameters")
	@CsvSource({ "seed-fc, mnist, 6442", "seed-cnn, mnist, 6422", "lenet, cifar10, 62006", "lenet, mnist, 61706",
			"vgg-small, cifar10, 1573386",
			// Page's ResNet-9 as published: 6.57 million
			"resnet9, cifar10, 6573120" })
	void trainableParameterCountsMatchThePyTorchDefinitions(String architecture, String dataset, long expected) {
		LayerTable table = catalog.layerTable(architecture, dataset, dataset.equals("mnist") ? MNIST : CIFAR,
				ArchitectureOptions.DEFAULTS);
		assertThat(table.trainableParameters()).isEqualTo(expected);
		assertThat(table.layers().stream().mapToLong(LayerTable.Layer::parameters).sum()).isEqualTo(expected);
	}

	@Test
	void vggSmallCountsBatchNormStatisticsOnlyInTheTotal() {
		LayerTable table = catalog.layerTable("vgg-small", "cifar10", CIFAR, ArchitectureOptions.DEFAULTS);
		// running mean and variance of 64 + 128 + 256 + 512 channels
		assertThat(table.totalParameters() - table.trainableParameters()).isEqualTo(2 * (64 + 128 + 256 + 512));
	}

	@Test
	void lenetLayerTableShowsTheNotesShapes() {
		LayerTable table = catalog.layerTable("lenet", "cifar10", CIFAR, ArchitectureOptions.DEFAULTS);
		List<String> rows = table.layers()
			.stream()
			.map(l -> l.type() + " " + l.outputShape() + " " + l.parameters())
			.toList();
		assertThat(rows).containsExactly("Conv2d [6, 28, 28] 456", "ReLU [6, 28, 28] 0", "maxPool2d [6, 14, 14] 0",
				"Conv2d [16, 10, 10] 2416", "ReLU [16, 10, 10] 0", "maxPool2d [16, 5, 5] 0", "batchFlatten [400] 0",
				"Linear [120] 48120", "ReLU [120] 0", "Linear [84] 10164", "ReLU [84] 0", "Linear [10] 850");
		assertThat(table.layers().get(0).detail()).isEqualTo("6 kernels 5x5x3");
		assertThat(table.layers().get(7).detail()).isEqualTo("400 -> 120 units");
	}

	@Test
	void resnet20HasTheCifarShapeAndAboutAQuarterMillionParameters() {
		LayerTable table = catalog.layerTable("resnet", "cifar10", CIFAR, ArchitectureOptions.DEFAULTS);
		assertThat(table.layers().stream().filter(l -> l.type().equals("Residual")).count()).isEqualTo(9);
		assertThat(table.layers().get(table.layers().size() - 1).outputShape()).containsExactly(10L);
		assertThat(table.trainableParameters()).isBetween(265_000L, 280_000L);
		LayerTable deeper = catalog.layerTable("resnet", "cifar10", CIFAR, new ArchitectureOptions(null, 32, null));
		assertThat(deeper.layers().stream().filter(l -> l.type().equals("Residual")).count()).isEqualTo(15);
	}

	@Test
	void resnet9WidthScalesEveryStage() {
		LayerTable narrow = catalog.layerTable("resnet9", "cifar10", CIFAR, new ArchitectureOptions(null, null, 16));
		assertThat(narrow.layers().get(0).detail()).isEqualTo("16 kernels 3x3x3");
		assertThat(narrow.layers()
			.stream()
			.filter(l -> l.type().equals("Conv2d"))
			.map(l -> l.outputShape().get(0))
			.toList()).containsExactly(16L, 32L, 64L, 128L);
		assertThat(narrow.layers().stream().filter(l -> l.type().equals("Residual")).count()).isEqualTo(2);
		// the width enters squared: 1602 w^2 + 177 w
		assertThat(narrow.trainableParameters()).isEqualTo(1602L * 16 * 16 + 177 * 16);
		assertThat(narrow.layers().get(narrow.layers().size() - 1).outputShape()).containsExactly(10L);
	}

	@Test
	void rejectsAResnet9WidthOutOfRange() {
		assertThatThrownBy(() -> catalog.get("resnet9").build(CIFAR, new ArchitectureOptions(null, null, 2)))
			.isInstanceOf(IncompatibleArchitectureException.class)
			.hasMessageContaining("width")
			.hasMessageContaining("got 2");
	}

	@Test
	void networksAdaptToClassCountAndChannels() {
		LayerTable five = catalog.layerTable("seed-cnn", "custom", new InputSpec(3, 32, 32, 5),
				ArchitectureOptions.DEFAULTS);
		assertThat(five.layers().get(five.layers().size() - 1).outputShape()).containsExactly(5L);
		assertThat(five.layers().get(0).detail()).isEqualTo("6 kernels 5x5x3");
		LayerTable mlp = catalog.layerTable("mlp", "mnist", MNIST, new ArchitectureOptions(List.of(32), null, null));
		assertThat(mlp.trainableParameters()).isEqualTo(784 * 32 + 32 + 32 * 10 + 10);
	}

	@Test
	void rejectsImagesTooSmallForThePooling() {
		assertThatThrownBy(
				() -> catalog.get("vgg-small").build(new InputSpec(1, 8, 8, 10), ArchitectureOptions.DEFAULTS))
			.isInstanceOf(IncompatibleArchitectureException.class)
			.hasMessageContaining("at least 16x16");
	}

	@Test
	void unknownArchitecturesAreNamed() {
		assertThatThrownBy(() -> catalog.get("alexnet")).isInstanceOf(ArchitectureNotFoundException.class)
			.hasMessageContaining("alexnet")
			.hasMessageContaining("lenet");
	}

}
