package io.cnnservice.engine;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/** Readiness: the engine is loaded and can allocate on its device. */
@Component
class EngineHealthIndicator extends AbstractHealthIndicator {

	private final EngineRuntime runtime;

	EngineHealthIndicator(EngineRuntime runtime) {
		this.runtime = runtime;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		try (var manager = this.runtime.engine().newBaseManager(this.runtime.device())) {
			manager.zeros(new ai.djl.ndarray.types.Shape(1));
		}
		builder.up()
			.withDetail("engine", this.runtime.engine().getEngineName())
			.withDetail("version", this.runtime.engine().getVersion())
			.withDetail("device", this.runtime.device().toString());
	}

}
