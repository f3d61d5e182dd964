package io.cnnservice.architectures;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;
import io.cnnservice.datasets.InputSpec;
import io.cnnservice.engine.EngineRuntime;

import org.springframework.stereotype.Service;

/** The architectures users can train, and their layer tables. */
@Service
public class ArchitectureCatalog {

	private final Map<String, Architecture> architectures = new LinkedHashMap<>();

	private final EngineRuntime runtime;

	public ArchitectureCatalog(EngineRuntime runtime) {
		this.runtime = runtime;
		register(new Architecture("seed-fc", "The notes' small fully connected net: flatten -> 8 -> 8 -> classes, ReLU",
				1, Networks::seedFc));
		register(new Architecture("mlp", "Fully connected net with configurable hiddenSizes (default 256, 128), ReLU",
				1, Networks::mlp));
		register(new Architecture("seed-cnn",
				"The notes' exercise-1 CNN: conv5x5x6, pool, conv5x5x6, pool, FC 50, FC classes", 12,
				Networks::seedCnn));
		register(new Architecture("lenet",
				"The notes' exercise-2 LeNet-style net: conv5x5x6, pool, conv5x5x16, pool, FC 120, 84, classes "
						+ "(conv1 padded by 2 for inputs under 32 pixels)",
				16, Networks::lenet));
		register(new Architecture("vgg-small",
				"The notes' exercise-3 simplified VGG: 3x3 conv + batch norm + ReLU, 64-M-128-M-256-M-512-M, linear",
				16, Networks::vggSmall));
		register(new Architecture("resnet",
				"CIFAR-style ResNet (default depth 20 = 3 stages x 3 basic blocks, 16/32/64 channels, 1x1 projection "
						+ "shortcuts where the shape changes)",
				8, Networks::resnet));
		register(new Architecture("resnet9",
				"Page's fast CIFAR ResNet-9: 3x3 stem of width channels (default 64), conv stages of 2, 4 and 8 times "
						+ "the width each max-pooled, residual blocks after the first and third, global max pooling",
				8, Networks::resnet9));
	}

	private void register(Architecture architecture) {
		this.architectures.put(architecture.name(), architecture);
	}

	public List<Architecture> list() {
		return List.copyOf(this.architectures.values());
	}

	public Architecture get(String name) {
		Architecture a = this.architectures.get(name);
		if (a == null) {
			throw ArchitectureNotFoundException.forName(name, this.architectures.keySet());
		}
		return a;
	}

	/** Builds and initialises the network for this input and draws its layer table. */
	public LayerTable layerTable(String name, String dataset, InputSpec input, ArchitectureOptions options) {
		Block block = get(name).build(input, options);
		Shape inputShape = new Shape(1, input.channels(), input.height(), input.width());
		try (NDManager manager = this.runtime.engine().newBaseManager()) {
			block.initialize(manager, DataType.FLOAT32, inputShape);
			List<LayerTable.Layer> rows = new ArrayList<>();
			for (Pair<Block, Shape> layer : layerOutputs(block, inputShape)) {
				Shape shape = layer.getValue();
				long[] counts = count(layer.getKey());
				List<Long> out = Arrays.stream(shape.slice(1).getShape()).boxed().toList();
				rows.add(new LayerTable.Layer(rows.size() + 1, typeOf(layer.getKey()), detailOf(layer.getKey()), out,
						shape.slice(1).size(), counts[0], counts[1]));
			}
			long[] totals = count(block);
			return new LayerTable(name, dataset, Arrays.stream(inputShape.slice(1).getShape()).boxed().toList(), rows,
					totals[0], totals[1]);
		}
	}

	/**
	 * The largest output of any layer of an initialised block (a residual block counts as
	 * one layer), in values per image.
	 * @param inputShape the input with a batch of 1
	 */
	public static long largestOutput(Block block, Shape inputShape) {
		long largest = inputShape.slice(1).size();
		for (Pair<Block, Shape> layer : layerOutputs(block, inputShape)) {
			largest = Math.max(largest, layer.getValue().slice(1).size());
		}
		return largest;
	}

	/**
	 * The rows of the layer table, each with its output shape, for an initialised block.
	 */
	private static List<Pair<Block, Shape>> layerOutputs(Block block, Shape inputShape) {
		List<Pair<Block, Shape>> outputs = new ArrayList<>();
		Shape shape = inputShape;
		for (Block layer : flatten(block)) {
			shape = layer.getOutputShapes(new Shape[] { shape })[0];
			outputs.add(new Pair<>(layer, shape));
		}
		return outputs;
	}

	/** Trainable and total parameter counts of an initialised block. */
	public static long[] count(Block block) {
		long trainable = 0;
		long total = 0;
		for (Pair<String, Parameter> p : block.getParameters()) {
			long n = p.getValue().getArray().size();
			total += n;
			if (p.getValue().requiresGradient()) {
				trainable += n;
			}
		}
		return new long[] { trainable, total };
	}

	/**
	 * Nested sequential blocks are drawn as their layers; a residual block stays one row.
	 */
	private static List<Block> flatten(Block block) {
		List<Block> layers = new ArrayList<>();
		if (block instanceof SequentialBlock seq && !isResidual(seq)) {
			for (Pair<String, Block> child : seq.getChildren()) {
				layers.addAll(flatten(child.getValue()));
			}
		}
		else {
			layers.add(block);
		}
		return layers;
	}

	private static boolean isResidual(SequentialBlock seq) {
		return seq.getChildren().values().stream().anyMatch(ParallelBlock.class::isInstance);
	}

	private static String typeOf(Block layer) {
		if (layer instanceof LambdaBlock lambda) {
			return lambda.getName();
		}
		if (layer instanceof SequentialBlock) {
			return "Residual";
		}
		return layer.getClass().getSimpleName();
	}

	private static String detailOf(Block layer) {
		if (layer instanceof Conv2d) {
			Shape w = weightShape(layer);
			return w.get(0) + " kernels " + w.get(2) + "x" + w.get(3) + "x" + w.get(1);
		}
		if (layer instanceof Linear) {
			Shape w = weightShape(layer);
			return w.get(1) + " -> " + w.get(0) + " units";
		}
		if (layer instanceof BatchNorm) {
			return "batch norm over " + layer.getParameters().get("gamma").getArray().size() + " channels";
		}
		if (layer instanceof SequentialBlock seq) {
			return "y = ReLU(F(x) + shortcut(x)), " + seq.getParameters().size() + " parameter tensors";
		}
		return "";
	}

	private static Shape weightShape(Block layer) {
		return layer.getParameters().get("weight").getArray().getShape();
	}

}
