package io.cnnservice.models;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/** Readiness: the model store can be written (training registers models there). */
@Component
class ModelStoreHealthIndicator extends AbstractHealthIndicator {

	private final ModelStore store;

	ModelStoreHealthIndicator(ModelStore store) {
		this.store = store;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		(this.store.isWritable() ? builder.up() : builder.down()).withDetail("root", this.store.root().toString());
	}

}
