package io.cnnservice.inference;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer to a classify request.
 *
 * @param model model name
 * @param version model version used
 * @param views forward passes per image: the views its probabilities are the mean over (1
 * for the image alone; up to 10 for a model evaluated with flips and shifts)
 * @param results one entry per uploaded file, in upload order
 * @param inferenceMillis time of the forward pass for the whole batch
 * @param totalMillis time from receiving the files to the answer
 */
public record ClassificationResult(String model, int version, int views, List<FileResult> results,
		double inferenceMillis, double totalMillis) {

	/**
	 * One file's answer.
	 *
	 * @param file the uploaded file name
	 * @param predictions the top-k classes, most probable first
	 * @param preprocessMillis time spent decoding and preparing the image
	 * @param input the image as the model was given it (before normalisation), as a PNG
	 * data URL; only when asked for with {@code returnInput=true}
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record FileResult(String file, List<Prediction> predictions, double preprocessMillis, String input) {
	}

	/**
	 * A class and its probability (the probabilities of all classes sum to 1).
	 *
	 * @param label class name
	 * @param probability in [0, 1]
	 */
	public record Prediction(String label, double probability) {
	}

}
