package io.cnnservice.inference;

import io.cnnservice.RunsAlongside;
import io.cnnservice.TestDatasets;
import io.cnnservice.TestStore;
import io.cnnservice.datasets.LoadedDataset;
import io.cnnservice.datasets.formats.ImageSet;
import io.cnnservice.models.ModelMetadata;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The shipped models, served, score on every test image of their dataset what their
 * training jobs recorded. Needs the whole datasets (see {@link TestDatasets#full}).
 */
@SpringBootTest(properties = { "cnn.datasets.download=false", "cnn.inference.acquire-timeout=60s" })
@TestStore(TestStore.Contents.SHIPPED)
@RunsAlongside
class ShippedModelsAccuracyTest {

	@Autowired
	ModelServing serving;

	@Test
	void lenetMnistScoresWhatItRecordedOnAllTenThousandTestDigits() {
		LoadedDataset mnist = TestDatasets.catalog(TestDatasets.full("mnist")).load("mnist");
		assertRecordedAccuracy(this.serving.resolve("lenet-mnist", 1), mnist.test());
	}

	@Test
	void resnet9Cifar10ScoresWhatItRecordedOnAllTenThousandTestPhotos() {
		LoadedDataset cifar = TestDatasets.catalog(TestDatasets.full("cifar10")).load("cifar10");
		assertRecordedAccuracy(this.serving.resolve("resnet9-cifar10", 1), cifar.test());
	}

	/**
	 * Feeds the test split through the served model under its test-time views, prepared
	 * as its training job prepared it, and compares the accuracy with model.json's.
	 */
	private void assertRecordedAccuracy(ModelMetadata model, ImageSet test) {
		assertThat(test.count()).isEqualTo(10_000);
		int batch = 50;
		int size = test.imageSize();
		int plane = test.height() * test.width();
		int classes = model.network().classes().size();
		float[] mean = model.preprocessing().mean();
		float[] std = model.preprocessing().std();
		int right = 0;
		for (int from = 0; from < test.count(); from += batch) {
			int n = Math.min(batch, test.count() - from);
			float[] inputs = new float[n * size];
			for (int i = 0; i < n * size; i++) {
				int channel = (i % size) / plane;
				inputs[i] = ((test.pixels()[from * size + i] & 0xFF) / 255f - mean[channel]) / std[channel];
			}
			float[] probabilities = this.serving.predict(model, inputs, true);
			for (int k = 0; k < n; k++) {
				int best = 0;
				for (int c = 1; c < classes; c++) {
					best = (probabilities[k * classes + c] > probabilities[k * classes + best]) ? c : best;
				}
				right += (best == test.labels()[from + k]) ? 1 : 0;
			}
		}
		double accuracy = right / (double) test.count();
		double recorded = model.metrics().testAccuracy();
		System.out.printf("%s: %.4f of all %d test images right, %.4f recorded%n", model.name(), accuracy, test.count(),
				recorded);
		// a handful of images on the edge may go either way in another batch size
		assertThat(accuracy).isCloseTo(recorded, within(0.002));
	}

}
