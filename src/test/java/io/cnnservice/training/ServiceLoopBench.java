package io.cnnservice.training;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

import io.cnnservice.TestDatasets;
import io.cnnservice.bench.LenetMnist;
import io.cnnservice.bench.TrainThroughputBench;
import io.cnnservice.engine.EngineWork;
import io.cnnservice.training.api.TrainingRequest;
import io.cnnservice.training.loop.BatchAssembler;
import io.cnnservice.training.loop.StepBreakdownBench;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

/**
 * The service's whole training job against the bare loop in one JVM: lenet on MNIST, one
 * epoch per run, three contenders alternating which goes first: the job, submitted
 * through the API; the bare loop of bench/train-throughput; and the service's loop code
 * alone (StepBreakdownBench's SHUFFLED). The last two run on a thread of their own that
 * ends with the epoch, as the job's thread does. Tells whether a gap between (a) and (b)
 * in bench/train-throughput is in the job, in its loop or in the process around it.
 * Prints one line per run and the median ratios; run with
 * {@code ./mvnw test -Dtest=ServiceLoopBench -Dcnn.test.excludedGroups=none -Dbench.runs=9 -Dbench.batch=64}.
 */
@Tag("bench")
@SpringBootTest
@AutoConfigureMockMvc
class ServiceLoopBench {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws IOException {
		registry.add("cnn.datasets.root", () -> TestDatasets.full("mnist").toString());
		registry.add("cnn.datasets.download", () -> "false");
		registry.add("cnn.model-store.root", Files.createTempDirectory("cnn-store-bench")::toString);
	}

	@Autowired
	MockMvcTester mvc;

	@Autowired
	JsonMapper json;

	@Test
	void serviceJobAgainstBareLoop() throws Exception {
		int runs = Integer.getInteger("bench.runs", 9);
		int batch = Integer.getInteger("bench.batch", 64);
		JobPolling jobs = new JobPolling(this.mvc, this.json);
		String body = "{\"architecture\":\"lenet\",\"dataset\":\"mnist\",\"batchSize\":" + batch
				+ ",\"optimizer\":\"adam\",\"learningRate\":0.001,\"seed\":1,\"testLimit\":1000,\"modelName\":\"bench\"}";
		List<Double> jobToBare = new ArrayList<>();
		List<Double> loopToBare = new ArrayList<>();
		List<Double> jobToLoop = new ArrayList<>();
		try (LenetMnist lenet = LenetMnist.load(true)) {
			BatchAssembler assembler = new BatchAssembler(lenet.mnist().train(), lenet.mnist().mean(),
					lenet.mnist().std(), null, TrainingRequest.Augment.NONE, batch);
			DoubleSupplier bare = () -> TrainThroughputBench.epoch(lenet, batch);
			DoubleSupplier loop = () -> StepBreakdownBench.epoch(lenet, assembler, batch,
					StepBreakdownBench.Variant.SHUFFLED);
			// untimed warm-up of all three
			job(jobs, body);
			onOwnThread(bare);
			onOwnThread(loop);
			for (int r = 0; r < runs; r++) {
				double[] rate = new double[3];
				if (r % 2 == 0) {
					rate[0] = job(jobs, body);
					rate[1] = onOwnThread(bare);
					rate[2] = onOwnThread(loop);
				}
				else {
					rate[2] = onOwnThread(loop);
					rate[1] = onOwnThread(bare);
					rate[0] = job(jobs, body);
				}
				jobToBare.add(rate[0] / rate[1]);
				loopToBare.add(rate[2] / rate[1]);
				jobToLoop.add(rate[0] / rate[2]);
				System.out.printf("RUN batch %d job %.0f bare %.0f loop %.0f img/s%n", batch, rate[0], rate[1],
						rate[2]);
			}
		}
		System.out.printf("RATIOS batch %d medians of run-by-run ratios: job/bare %s loop/bare %s job/loop %s%n", batch,
				summary(jobToBare), summary(loopToBare), summary(jobToLoop));
	}

	private static String summary(List<Double> ratios) {
		double[] r = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		return String.format("%.3f (%.2f-%.2f)", r[r.length / 2], r[0], r[r.length - 1]);
	}

	/**
	 * Runs one epoch on a thread of its own that ends with it, as the job's thread does:
	 * the engine keeps an OpenMP team per thread that ever ran an op, and a team left on
	 * the test thread would slow whichever loop runs next.
	 */
	private static double onOwnThread(DoubleSupplier epoch) throws InterruptedException {
		double[] rate = new double[1];
		Thread t = new Thread(() -> rate[0] = epoch.getAsDouble(), "bench-loop");
		t.start();
		t.join();
		return rate[0];
	}

	private static double job(JobPolling jobs, String body) throws Exception {
		String id = jobs.submit(body).get("id").asString();
		// a lenet epoch takes seconds: a read every 2 s costs it next to nothing, where
		// reads every 100 ms cost a few per cent
		double rate = jobs.waitUntilFinished(id, Duration.ofSeconds(2))
			.get("history")
			.get(0)
			.get("imagesPerSecond")
			.asDouble();
		// the job's thread, and its OpenMP team, live on for the keep-alive after the job
		Thread.sleep(EngineWork.KEEP_ALIVE.toMillis() + 1000);
		return rate;
	}

}
