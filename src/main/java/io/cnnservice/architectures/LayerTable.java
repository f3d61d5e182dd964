package io.cnnservice.architectures;

import java.util.List;

/**
 * A network drawn the way the notes draw AlexNet: one row per layer with its output shape
 * and parameter count, and the totals.
 *
 * @param architecture architecture name
 * @param dataset dataset the network was sized for
 * @param inputShape channels, height, width of one input image
 * @param layers one row per layer, in order
 * @param trainableParameters parameters updated by training
 * @param totalParameters all parameters, including batch-norm running statistics
 */
public record LayerTable(String architecture, String dataset, List<Long> inputShape, List<Layer> layers,
		long trainableParameters, long totalParameters) {

	/**
	 * One layer.
	 *
	 * @param index position, from 1
	 * @param type layer type (Conv2d, BatchNorm, ReLU, maxPool2d, Linear, Residual ...)
	 * @param detail what it holds, e.g. "6 kernels 5x5x1"
	 * @param outputShape output shape for one image (without the batch axis)
	 * @param outputUnits number of output values for one image
	 * @param parameters trainable parameters
	 * @param totalParameters all parameters
	 */
	public record Layer(int index, String type, String detail, List<Long> outputShape, long outputUnits,
			long parameters, long totalParameters) {
	}

}
