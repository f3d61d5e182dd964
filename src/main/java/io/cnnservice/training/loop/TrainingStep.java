package io.cnnservice.training.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import io.cnnservice.engine.ChannelsLast;

/**
 * One optimisation step: forward pass, loss, backward pass, parameter update. Public so
 * that the training benches time the very step the service runs. The images enter the
 * network in {@link ChannelsLast} layout, as they do in evaluation and serving.
 */
public final class TrainingStep {

	private TrainingStep() {
	}

	/**
	 * @param trainer an initialised trainer
	 * @param images the batch's images
	 * @param labels the batch's labels
	 * @return the logits and the mean loss, in that order
	 */
	public static NDList run(Trainer trainer, NDArray images, NDArray labels) {
		NDArray logits;
		NDArray loss;
		try (GradientCollector collector = trainer.newGradientCollector()) {
			logits = trainer.forward(new NDList(ChannelsLast.of(images))).singletonOrThrow();
			loss = trainer.getLoss().evaluate(new NDList(labels), new NDList(logits));
			collector.backward(loss);
		}
		trainer.step();
		return new NDList(logits, loss);
	}

}
