package io.cnnservice.training.runners;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.cnnservice.datasets.InputSpec;
import io.cnnservice.datasets.LoadedDataset;
import io.cnnservice.engine.EngineRuntime;
import io.cnnservice.models.ModelMetadata;
import io.cnnservice.models.ModelMetrics;
import io.cnnservice.models.Preprocessing;
import io.cnnservice.training.api.EpochResult;
import io.cnnservice.training.api.TrainingRequest;
import io.cnnservice.training.jobs.TrainingJob;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Writes what a finished job knows into the {@code model.json} of the model it registers:
 * the network, how serving must prepare inputs, the request and the final metrics.
 */
@Component
class ModelRecords {

	private final JsonMapper json;

	private final EngineRuntime runtime;

	ModelRecords(JsonMapper json, EngineRuntime runtime) {
		this.json = json;
		this.runtime = runtime;
	}

	/**
	 * The network a job trained, and on what.
	 *
	 * @param data the dataset
	 * @param spec the input shape and classes
	 * @param permutation the pixel permutation, or null
	 * @param parameters the network's parameter counts
	 * @param measured what its last epoch measured
	 */
	record Trained(LoadedDataset data, InputSpec spec, int[] permutation, ModelMetadata.Parameters parameters,
			Measured measured) {
	}

	/**
	 * What a job's last epoch measured.
	 *
	 * @param last the last epoch's row
	 * @param trainImages training images
	 * @param testImages test images evaluated
	 * @param confusion the last evaluation's confusion matrix, or null
	 */
	record Measured(EpochResult last, int trainImages, int testImages, long[][] confusion) {
	}

	/** The model's metadata before the store gives it a version and its file. */
	ModelMetadata draft(TrainingJob job, Trained trained) {
		TrainingRequest req = job.request();
		InputSpec spec = trained.spec();
		@SuppressWarnings("unchecked")
		Map<String, Object> request = this.json.convertValue(req, Map.class);
		ModelMetadata.Network network = new ModelMetadata.Network(req.architecture(),
				req.network().recorded(req.architecture()), req.dataset(), trained.data().classes(),
				List.of(spec.channels(), spec.height(), spec.width()));
		return new ModelMetadata(req.modelName(), 0, network, preprocessing(req, trained), request,
				metrics(job, trained.measured()), trained.parameters(), new ModelMetadata.Provenance(
						EngineRuntime.ENGINE_NAME + " " + this.runtime.engine().getVersion(), job.id(), Instant.now()));
	}

	private static Preprocessing preprocessing(TrainingRequest req, Trained trained) {
		LoadedDataset data = trained.data();
		// light strokes on a dark background (MNIST) vs dark on light decides whether
		// serving inverts uploads
		float meanBrightness = 0;
		for (float m : data.mean()) {
			meanBrightness += m / data.mean().length;
		}
		TrainingRequest.Evaluation evaluation = req.evaluation();
		return new Preprocessing((trained.spec().channels() == 1) ? "grayscale" : "rgb", data.mean(), data.std(),
				(meanBrightness < 0.5f) ? "dark" : "light", trained.permutation(),
				evaluation.testTimeFlip() ? Boolean.TRUE : null,
				(evaluation.testTimeShift() > 0) ? evaluation.testTimeShift() : null);
	}

	private static ModelMetrics metrics(TrainingJob job, Measured measured) {
		EpochResult last = measured.last();
		// rows: true class, columns: predicted class, over the test images evaluated
		List<List<Long>> confusion = (measured.confusion() != null)
				? Arrays.stream(measured.confusion()).map(row -> Arrays.stream(row).boxed().toList()).toList() : null;
		double imagesPerSecond = job.view()
			.history()
			.stream()
			.mapToDouble(EpochResult::imagesPerSecond)
			.average()
			.orElse(0);
		return new ModelMetrics(job.request().epochs(), last.trainLoss(), last.trainAccuracy(), last.testLoss(),
				last.testAccuracy(), confusion, measured.trainImages(), measured.testImages(), imagesPerSecond);
	}

}
