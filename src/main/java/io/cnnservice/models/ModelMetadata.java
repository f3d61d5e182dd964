package io.cnnservice.models;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The {@code model.json} written next to a model's parameters: everything needed to
 * rebuild the network and to prepare inputs exactly as in training.
 *
 * @param name model name
 * @param version version number, from 1
 * @param architecture architecture name
 * @param architectureOptions options the network was built with (hiddenSizes, depth,
 * width)
 * @param dataset dataset it was trained on
 * @param classes class names in output order
 * @param inputShape channels, height, width
 * @param preprocessing how inputs must be prepared
 * @param request the training request, with defaults filled in
 * @param metrics final metrics of the training job
 * @param trainableParameters trainable parameter count
 * @param totalParameters all parameters, including batch-norm statistics
 * @param parametersFile the DJL parameters file in the version folder
 * @param parametersSha256 SHA-256 of that file
 * @param engine engine and version that trained it
 * @param jobId the training job that produced it
 * @param createdAt when it was registered
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelMetadata(String name, int version, String architecture, Map<String, Object> architectureOptions,
		String dataset, List<String> classes, List<Integer> inputShape, Preprocessing preprocessing,
		Map<String, Object> request, Map<String, Object> metrics, long trainableParameters, long totalParameters,
		String parametersFile, String parametersSha256, String engine, String jobId, Instant createdAt) {

	/**
	 * Input preparation the model was trained with.
	 *
	 * @param colorMode {@code grayscale} or {@code rgb}
	 * @param mean per-channel mean subtracted from pixels scaled to [0, 1]
	 * @param std per-channel standard deviation divided by
	 * @param background {@code dark} when training images are light content on a dark
	 * background (like MNIST), else {@code light}
	 * @param pixelPermutation for models trained with permuted pixels: output pixel i of
	 * each channel plane is input pixel {@code pixelPermutation[i]}
	 * @param testTimeFlip true when a prediction is the mean of the logits for the image
	 * and its mirror image, as in the training job's evaluation; absent means false
	 * @param testTimeShift pixels by which the image is also moved up, down, left and
	 * right before the logits are averaged; absent means none
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Preprocessing(String colorMode, float[] mean, float[] std, String background, int[] pixelPermutation,
			Boolean testTimeFlip, Integer testTimeShift) {

		/** The views each prediction averages over, as the training job evaluated. */
		public TestTimeViews views() {
			return TestTimeViews.of(this.testTimeFlip, this.testTimeShift);
		}

	}

	ModelMetadata withVersion(int newVersion) {
		return new ModelMetadata(this.name, newVersion, this.architecture, this.architectureOptions, this.dataset,
				this.classes, this.inputShape, this.preprocessing, this.request, this.metrics, this.trainableParameters,
				this.totalParameters, this.parametersFile, this.parametersSha256, this.engine, this.jobId,
				this.createdAt);
	}

	ModelMetadata withParameters(String file, String sha256) {
		return new ModelMetadata(this.name, this.version, this.architecture, this.architectureOptions, this.dataset,
				this.classes, this.inputShape, this.preprocessing, this.request, this.metrics, this.trainableParameters,
				this.totalParameters, file, sha256, this.engine, this.jobId, this.createdAt);
	}

}
