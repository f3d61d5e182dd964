package io.cnnservice.training.loop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import io.cnnservice.architectures.ArchitectureCatalog;
import io.cnnservice.architectures.ArchitectureOptions;
import io.cnnservice.bench.LenetMnist;
import io.cnnservice.datasets.InputSpec;
import io.cnnservice.engine.ChannelsLast;
import io.cnnservice.engine.EngineProperties;
import io.cnnservice.engine.EngineRuntime;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What {@link ChannelsLast} buys in training: a net on 32x32x3 inputs trained for
 * {@code bench.steps} steps (30) at batch 64 with Adam, once with the batch as it comes
 * (n, c, h, w) and once in channels-last layout, alternating in one JVM for
 * {@code bench.runs} rounds (6). Random images and labels, 40 batches cycled, so that the
 * net cannot fit them and its gradients never shrink into denormal floats (a fitted batch
 * made later runs 2x slower). Prints one line per run and then
 * {@code CHANNELS_LAST <net> nchw <median img/s> channels-last <median> paired ratio
 * <median> (<min>-<max>)}.
 * <p>
 * {@code bench.architectures}: a comma-separated list (vgg-small,resnet9,resnet).
 */
@Tag("bench")
class ChannelsLastBench {

	private static final int BATCH = 64;

	@Test
	void measure() {
		int steps = Integer.getInteger("bench.steps", 30);
		int runs = Integer.getInteger("bench.runs", 6);
		EngineRuntime runtime = new EngineRuntime(
				new EngineProperties(EngineProperties.DeviceChoice.CPU, 0, 0, true, "", true));
		ArchitectureCatalog catalog = new ArchitectureCatalog(runtime);
		InputSpec spec = new InputSpec(3, 32, 32, 10);
		try (NDManager data = runtime.engine().newBaseManager()) {
			runtime.engine().setRandomSeed(1);
			NDArray images = data.randomNormal(new Shape(40, BATCH, 3, 32, 32));
			NDArray labels = data.randomInteger(0, 10, new Shape(40, BATCH), DataType.INT64);
			for (String arch : System.getProperty("bench.architectures", "vgg-small,resnet9,resnet").split(",")) {
				List<Double> plain = new ArrayList<>();
				List<Double> last = new ArrayList<>();
				for (int r = 0; r < runs; r++) {
					plain.add(run(runtime, catalog, spec, arch, images, labels, steps, false));
					last.add(run(runtime, catalog, spec, arch, images, labels, steps, true));
					System.out.printf("CHANNELS_LAST %s run %d: nchw %.0f channels-last %.0f img/s%n", arch, r,
							plain.get(r), last.get(r));
				}
				double[] ratios = new double[runs];
				for (int r = 0; r < runs; r++) {
					ratios[r] = last.get(r) / plain.get(r);
				}
				Arrays.sort(ratios);
				System.out.printf("CHANNELS_LAST %s nchw %.0f channels-last %.0f paired ratio %.3f (%.3f-%.3f)%n", arch,
						median(plain), median(last), ratios[runs / 2], ratios[0], ratios[runs - 1]);
			}
		}
	}

	private static double run(EngineRuntime runtime, ArchitectureCatalog catalog, InputSpec spec, String arch,
			NDArray images, NDArray labels, int steps, boolean channelsLast) {
		try (Model model = Model.newInstance("bench", runtime.device(), EngineRuntime.ENGINE_NAME)) {
			model.setBlock(catalog.get(arch).build(spec, ArchitectureOptions.DEFAULTS));
			try (Trainer trainer = LenetMnist.newTrainer(model, new Shape(BATCH, 3, 32, 32))) {
				long start = 0;
				// three untimed steps first
				for (int s = 0; s < steps + 3; s++) {
					if (s == 3) {
						start = System.nanoTime();
					}
					try (NDManager step = trainer.getManager().newSubManager()) {
						NDArray x = images.get(s % 40);
						NDArray y = labels.get(s % 40);
						x.attach(step);
						y.attach(step);
						// TrainingStep converts always; this is the same step with the
						// layout as the variant asks
						NDArray input = channelsLast ? ChannelsLast.of(x) : x;
						try (GradientCollector collector = trainer.newGradientCollector()) {
							NDArray logits = trainer.forward(new NDList(input)).singletonOrThrow();
							collector.backward(trainer.getLoss().evaluate(new NDList(y), new NDList(logits)));
						}
						trainer.step();
					}
				}
				return steps * BATCH / ((System.nanoTime() - start) / 1e9);
			}
		}
	}

	private static double median(List<Double> values) {
		double[] a = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		return a[a.length / 2];
	}

}
