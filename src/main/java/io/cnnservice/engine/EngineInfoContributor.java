package io.cnnservice.engine;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/** {@code /actuator/info}: engine, version, devices and the device in use. */
@Component
class EngineInfoContributor implements InfoContributor {

	private final EngineRuntime runtime;

	EngineInfoContributor(EngineRuntime runtime) {
		this.runtime = runtime;
	}

	@Override
	public void contribute(Info.Builder builder) {
		SystemInfo info = this.runtime.describe();
		builder.withDetail("engine", java.util.Map.of("name", info.engine(), "version", info.engineVersion(), "djl",
				info.djlVersion(), "devices", info.devices(), "device", info.device(), "gpuCount", info.gpuCount()));
	}

}
