package io.cnnservice.metrics;

import io.cnnservice.engine.EngineRuntime;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

/** {@code cnn_engine_info{engine, version, device} 1}: which engine computes where. */
@Component
class EngineMetrics implements MeterBinder {

	private final EngineRuntime runtime;

	EngineMetrics(EngineRuntime runtime) {
		this.runtime = runtime;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("cnn.engine.info", () -> 1)
			.description("The deep learning engine, its version and the device in use")
			.tag("engine", this.runtime.engine().getEngineName())
			.tag("version", this.runtime.engine().getVersion())
			.tag("device", this.runtime.device().toString())
			.register(registry);
	}

}
