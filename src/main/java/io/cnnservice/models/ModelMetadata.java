package io.cnnservice.models;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * The {@code model.json} written next to a model's parameters: everything needed to
 * rebuild the network and to prepare inputs exactly as in training. Its JSON is flat; the
 * network, the parameters and the provenance are groups in Java only.
 *
 * @param name model name
 * @param version version number, from 1
 * @param network the network and what it tells apart
 * @param preprocessing how inputs must be prepared
 * @param request the training request, with defaults filled in
 * @param metrics final metrics of the training job
 * @param parameters how many parameters it has, and the file that holds them
 * @param provenance what trained it, and when
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelMetadata(String name, int version, @JsonUnwrapped Network network, Preprocessing preprocessing,
		Map<String, Object> request, ModelMetrics metrics, @JsonUnwrapped Parameters parameters,
		@JsonUnwrapped Provenance provenance) {

	/**
	 * The network and what it was trained to tell apart.
	 *
	 * @param architecture architecture name
	 * @param architectureOptions options the network was built with (hiddenSizes, depth,
	 * width)
	 * @param dataset dataset it was trained on
	 * @param classes class names in output order
	 * @param inputShape channels, height, width
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Network(String architecture, Map<String, Object> architectureOptions, String dataset,
			List<String> classes, List<Integer> inputShape) {
	}

	/**
	 * The network's parameters.
	 *
	 * @param trainableParameters trainable parameter count
	 * @param totalParameters all parameters, including batch-norm statistics
	 * @param parametersFile the DJL parameters file in the version folder
	 * @param parametersSha256 SHA-256 of that file
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Parameters(long trainableParameters, long totalParameters, String parametersFile,
			String parametersSha256) {

		/** Counts of a network whose file is not written yet. */
		public static Parameters counted(long trainable, long total) {
			return new Parameters(trainable, total, null, null);
		}

		Parameters inFile(String file, String sha256) {
			return new Parameters(this.trainableParameters, this.totalParameters, file, sha256);
		}

	}

	/**
	 * What made the model.
	 *
	 * @param engine engine and version that trained it
	 * @param jobId the training job that produced it
	 * @param createdAt when it was registered
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Provenance(String engine, String jobId, Instant createdAt) {
	}

	ModelMetadata withVersion(int newVersion) {
		return new ModelMetadata(this.name, newVersion, this.network, this.preprocessing, this.request, this.metrics,
				this.parameters, this.provenance);
	}

	ModelMetadata withParameters(String file, String sha256) {
		return new ModelMetadata(this.name, this.version, this.network, this.preprocessing, this.request, this.metrics,
				this.parameters.inFile(file, sha256), this.provenance);
	}

}
