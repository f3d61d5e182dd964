package io.cnnservice.architectures;

import ai.djl.ndarray.types.Shape;
import io.cnnservice.datasets.InputSpec;

import org.springframework.stereotype.Component;

/**
 * Refuses, naming the field to change, a network whose parameters or estimated training
 * memory pass {@link ArchitectureLimits}.
 */
@Component
public class NetworkBudget {

	private final ArchitectureLimits limits;

	public NetworkBudget(ArchitectureLimits limits) {
		this.limits = limits;
	}

	/**
	 * Checks a network before anything is allocated for it.
	 * @param batchSize images per training step; 0 checks the parameters alone
	 * @throws IncompatibleArchitectureException naming {@code hiddenSizes},
	 * {@code width}, {@code depth}, {@code architecture} or {@code batchSize}
	 */
	public NetworkCost check(Architecture architecture, InputSpec input, ArchitectureOptions options, int batchSize) {
		NetworkCost cost = NetworkCost.of(architecture.build(input, options),
				new Shape(1, input.channels(), input.height(), input.width()));
		String sizeField = sizeField(architecture.name());
		if (cost.parameters() > this.limits.maxParameters()) {
			throw new IncompatibleArchitectureException(sizeField,
					String.format("%s has %,d parameters here; the limit is %,d (cnn.architectures.max-parameters)",
							architecture.name(), cost.parameters(), this.limits.maxParameters()));
		}
		long bytes = cost.trainingBytes(batchSize);
		long max = this.limits.maxTrainingMemory().toBytes();
		if (batchSize > 0 && bytes > max) {
			long activations = bytes - cost.trainingBytes(0);
			String field = (activations > bytes / 2) ? "batchSize" : sizeField;
			throw new IncompatibleArchitectureException(field, String.format(
					"training %s with batchSize %d needs an estimated %,d MB (%,d values of activations per image, "
							+ "%,d parameters); the limit is %,d MB (cnn.architectures.max-training-memory): lower %s",
					architecture.name(), batchSize, bytes >> 20, cost.activationsPerImage(), cost.parameters(),
					max >> 20, field));
		}
		return cost;
	}

	private static String sizeField(String architecture) {
		return switch (architecture) {
			case "mlp" -> "hiddenSizes";
			case "resnet" -> "depth";
			case "resnet9" -> "width";
			default -> "architecture";
		};
	}

}
