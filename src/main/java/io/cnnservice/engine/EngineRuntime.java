package io.cnnservice.engine;

import java.util.Arrays;
import java.util.List;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Loads the PyTorch engine once with the configured threads and offline mode, and decides
 * which device training and inference use.
 */
@Component
public class EngineRuntime {

	private static final Logger log = LoggerFactory.getLogger(EngineRuntime.class);

	public static final String ENGINE_NAME = "PyTorch";

	private final EngineProperties properties;

	private final Engine engine;

	private final Device device;

	private final String allocator;

	public EngineRuntime(EngineProperties properties) {
		this.properties = properties;
		// The engine reads these system properties only while it loads, so they must be
		// set
		// before the first call to Engine.getEngine.
		if (properties.offline()) {
			System.setProperty("ai.djl.offline", "true");
		}
		if (!properties.cacheDir().isBlank()) {
			System.setProperty("DJL_CACHE_DIR", properties.cacheDir());
		}
		if (properties.intraOpThreads() > 0) {
			System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(properties.intraOpThreads()));
		}
		if (properties.interOpThreads() > 0) {
			System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(properties.interOpThreads()));
		}
		// before the engine allocates anything, so its buffers start on the tuned heap
		this.allocator = NativeAllocator.tune(properties.tuneAllocator());
		this.engine = Engine.getEngine(ENGINE_NAME);
		this.device = chooseDevice(properties.device(), this.engine.getGpuCount());
		log.info("Engine {} {} loaded, computing on {} (offline={}, allocator: {})", this.engine.getEngineName(),
				this.engine.getVersion(), this.device, Utils.isOfflineMode(), this.allocator);
	}

	static Device chooseDevice(EngineProperties.DeviceChoice choice, int gpuCount) {
		return switch (choice) {
			case CPU -> Device.cpu();
			case AUTO -> (gpuCount > 0) ? Device.gpu() : Device.cpu();
			case GPU -> {
				if (gpuCount == 0) {
					throw new IllegalStateException("cnn.engine.device=gpu but the PyTorch engine sees no GPU; "
							+ "use the CUDA native artifact (mvn -Pgpu) on a machine with an NVIDIA GPU, "
							+ "or set cnn.engine.device=auto");
				}
				yield Device.gpu();
			}
		};
	}

	/** The loaded engine. */
	public Engine engine() {
		return this.engine;
	}

	/** The device every model is placed on. */
	public Device device() {
		return this.device;
	}

	/** What {@code GET /api/v1/system} reports. */
	public SystemInfo describe() {
		List<String> devices = Arrays.stream(this.engine.getDevices()).map(Device::toString).toList();
		// what the engine actually uses, whether configured or its own default
		int intra = JniUtils.getNumThreads();
		int inter = JniUtils.getNumInteropThreads();
		return new SystemInfo(this.engine.getEngineName(), this.engine.getVersion(), Engine.getDjlVersion(), devices,
				this.engine.getGpuCount(), this.device.toString(), this.properties.device().name().toLowerCase(),
				new SystemInfo.Threads(intra, inter, Runtime.getRuntime().availableProcessors(),
						System.getenv("OMP_WAIT_POLICY")),
				this.allocator, Utils.isOfflineMode(), Utils.getEngineCacheDir().toString());
	}

}
