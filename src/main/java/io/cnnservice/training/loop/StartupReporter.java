package io.cnnservice.training.loop;

import java.lang.management.ManagementFactory;

import io.cnnservice.metrics.TrainingMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In a worker process: how long it took from the process's start to the job's first batch
 * (JVM, engine, data), which is what a worker costs on top of its training.
 */
public final class StartupReporter implements LoopListener {

	private static final Logger log = LoggerFactory.getLogger(StartupReporter.class);

	private final String jobId;

	private final TrainingMetrics.JobGauges gauges;

	private boolean reported;

	public StartupReporter(String jobId, TrainingMetrics.JobGauges gauges) {
		this.jobId = jobId;
		this.gauges = gauges;
	}

	@Override
	public void afterBatch(LoopState state) {
		if (!this.reported) {
			this.reported = true;
			double seconds = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
			this.gauges.workerStarted(seconds);
			log.info("Training job {}: first batch {} s after its worker process started", this.jobId,
					String.format(java.util.Locale.ROOT, "%.2f", seconds));
		}
	}

}
