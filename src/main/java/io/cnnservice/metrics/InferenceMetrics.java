package io.cnnservice.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * Inference meters: a latency timer per model and outcome with histogram buckets in
 * seconds, images classified per model, and predictor-pool gauges. Models found in the
 * store are registered at start-up so their series exist before the first request.
 */
@Component
public class InferenceMetrics {

	/** Outcomes a request can have. */
	public enum Outcome {

		/** Answered. */
		SUCCESS,
		/** Refused for the client's input (4xx). */
		CLIENT_ERROR,
		/** Every predictor was busy (503). */
		BUSY,
		/** Failed on our side (5xx). */
		ERROR;

		String tag() {
			return name().toLowerCase();
		}

	}

	/**
	 * Bucket bounds around what a small model takes: a fraction of a millisecond alone,
	 * tens of milliseconds under load.
	 */
	static final Duration[] BUCKETS = { Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
			Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20),
			Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
			Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5) };

	private final MeterRegistry registry;

	private final Map<String, Boolean> models = new ConcurrentHashMap<>();

	public InferenceMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Registers every series of a model, with pool gauges read from {@code pools} (active
	 * predictors, pool size). Calling it again for the same model does nothing.
	 */
	public <T> void register(String model, T pools, ToDoubleFunction<T> active, ToDoubleFunction<T> size) {
		if (this.models.putIfAbsent(model, Boolean.TRUE) != null) {
			return;
		}
		for (Outcome outcome : Outcome.values()) {
			timer(model, outcome);
		}
		images(model);
		Gauge.builder("cnn.predictor.pool.active", pools, active)
			.description("Predictors of the model busy with a forward pass")
			.tag("model", model)
			.register(this.registry);
		Gauge.builder("cnn.predictor.pool.size", pools, size)
			.description("Predictors of the model's loaded versions")
			.tag("model", model)
			.register(this.registry);
	}

	public Timer timer(String model, Outcome outcome) {
		return Timer.builder("cnn.inference")
			.description("Time to answer a classify or infer request, from receiving the images to the answer")
			.tag("model", model)
			.tag("outcome", outcome.tag())
			.serviceLevelObjectives(BUCKETS)
			.register(this.registry);
	}

	public Counter images(String model) {
		return Counter.builder("cnn.inference.images")
			.description("Images classified")
			.baseUnit("images")
			.tag("model", model)
			.register(this.registry);
	}

}
