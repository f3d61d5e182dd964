package io.cnnservice.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import javax.imageio.ImageIO;

import io.cnnservice.TestDatasets;
import io.cnnservice.architectures.ArchitectureCatalog;
import io.cnnservice.datasets.DatasetCatalog;
import io.cnnservice.datasets.DatasetDownloader;
import io.cnnservice.datasets.DatasetProperties;
import io.cnnservice.datasets.formats.ImageSet;
import io.cnnservice.engine.EngineProperties;
import io.cnnservice.engine.EngineRuntime;
import io.cnnservice.inference.ImageDecoder;
import io.cnnservice.inference.InferenceProperties;
import io.cnnservice.inference.ModelServing;
import io.cnnservice.inference.Upload;
import io.cnnservice.models.ModelMetadata;
import io.cnnservice.models.ModelStore;
import io.cnnservice.models.ModelStoreProperties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.unit.DataSize;

/**
 * In-process inference benchmark of the shipped lenet-mnist (not part of the test run;
 * see bench/inference-latency). Prints one JSON line.
 */
@Tag("bench")
class InferenceBench {

	@Test
	void measure() throws Exception {
		int intra = Integer.getInteger("bench.intraOpThreads", 0);
		int singles = Integer.getInteger("bench.iterations", 20_000);
		int leakRuns = Integer.getInteger("bench.rssPredictions", 100_000);
		EngineRuntime runtime = new EngineRuntime(
				new EngineProperties(EngineProperties.DeviceChoice.CPU, intra, intra > 0 ? 1 : 0, true, "", true));
		ModelStore store = new ModelStore(new ModelStoreProperties(Path.of("model-store")),
				JsonMapper.builder().findAndAddModules().build());
		InferenceProperties props = new InferenceProperties(DataSize.ofMegabytes(10), 40_000_000, 64, 1,
				java.time.Duration.ofSeconds(10), 8, 1, 64, DataSize.ofMegabytes(8), 200_000_000, 4);
		ModelServing serving = new ModelServing(store, new ArchitectureCatalog(runtime), runtime,
				new ImageDecoder(props), props,
				new io.cnnservice.metrics.InferenceMetrics(
						new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
				new io.cnnservice.engine.EngineWork());
		ImageSet digits = TestDatasets.catalog(TestDatasets.full("mnist")).load("mnist").test();
		byte[] png = png(digits, 0);
		ModelMetadata meta = serving.resolve("lenet-mnist", null);
		float[] one = new float[784];
		for (int p = 0; p < 784; p++) {
			one[p] = ((digits.pixels()[p] & 0xFF) / 255f - 0.1307f) / 0.3081f;
		}

		for (int i = 0; i < 3000; i++) {
			serving.classify("lenet-mnist", 1, List.of(new Upload("d.png", png)),
					new ModelServing.ClassifyOptions(1, true, false));
		}
		double[] full = new double[singles];
		for (int i = 0; i < singles; i++) {
			long t = System.nanoTime();
			serving.classify("lenet-mnist", 1, List.of(new Upload("d.png", png)),
					new ModelServing.ClassifyOptions(1, true, false));
			full[i] = (System.nanoTime() - t) / 1e6;
		}
		double[] forward = new double[singles];
		for (int i = 0; i < singles; i++) {
			long t = System.nanoTime();
			serving.predict(meta, one, true);
			forward[i] = (System.nanoTime() - t) / 1e6;
		}
		StringBuilder batches = new StringBuilder();
		for (int batch : new int[] { 64, 256 }) {
			float[] input = new float[batch * 784];
			for (int b = 0; b < batch; b++) {
				System.arraycopy(one, 0, input, b * 784, 784);
			}
			double[] rates = new double[5];
			for (int r = 0; r < rates.length; r++) {
				int rounds = 20_000 / batch;
				long t = System.nanoTime();
				for (int i = 0; i < rounds; i++) {
					serving.predict(meta, input, true);
				}
				rates[r] = rounds * batch / ((System.nanoTime() - t) / 1e9);
			}
			batches.append(String.format("\"batch%dImagesPerSecond\": %.0f, ", batch, median(rates)));
		}
		// the JVM heap dominates RSS at first; after one round of predictions it is
		// steady, so a
		// second round shows what predictions themselves keep (native memory included)
		for (int i = 0; i < leakRuns; i++) {
			serving.predict(meta, one, true);
		}
		System.gc();
		long rssBefore = rssKb();
		for (int i = 0; i < leakRuns; i++) {
			serving.predict(meta, one, true);
		}
		System.gc();
		long rssAfter = rssKb();
		System.out.printf(
				"BENCH {\"intraOpThreads\": %d, \"ompWaitPolicy\": \"%s\", \"singleImageHttpFreeMillis\": {\"median\": %.3f, \"p99\": %.3f}, "
						+ "\"forwardOnlyMillis\": {\"median\": %.3f, \"p99\": %.3f}, %s\"rssKbBefore\": %d, \"rssKbAfter\": %d, \"predictions\": %d}%n",
				intra, System.getenv("OMP_WAIT_POLICY"), median(full), percentile(full, 0.99), median(forward),
				percentile(forward, 0.99), batches, rssBefore, rssAfter, leakRuns);
	}

	private static byte[] png(ImageSet digits, int i) throws Exception {
		BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
		for (int p = 0; p < 784; p++) {
			img.getRaster().setSample(p % 28, p / 28, 0, digits.pixels()[i * 784 + p] & 0xFF);
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ImageIO.write(img, "png", out);
		return out.toByteArray();
	}

	private static long rssKb() throws Exception {
		for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", ""));
			}
		}
		return -1;
	}

	private static double median(double[] values) {
		return percentile(values, 0.5);
	}

	private static double percentile(double[] values, double q) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
	}

}
