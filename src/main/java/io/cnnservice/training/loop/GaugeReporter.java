package io.cnnservice.training.loop;

import io.cnnservice.metrics.TrainingMetrics;
import io.cnnservice.training.api.EpochResult;

/** Feeds the job's Prometheus gauges and the images counter. */
public final class GaugeReporter implements LoopListener {

	private final TrainingMetrics.JobGauges gauges;

	public GaugeReporter(TrainingMetrics.JobGauges gauges) {
		this.gauges = gauges;
	}

	@Override
	public void afterBatch(LoopState s) {
		double seconds = Math.max(s.epochNanos(System.nanoTime()) / 1e9, 1e-9);
		this.gauges.batch(s.lastBatchImages, s.lossSum() / s.seen, s.seen / seconds);
	}

	@Override
	public void afterEpoch(LoopState s, EpochResult result) {
		this.gauges.epoch(result.epoch(), result.testAccuracy());
	}

}
