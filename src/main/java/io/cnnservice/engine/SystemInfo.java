package io.cnnservice.engine;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The engine and device the service computes with.
 *
 * @param engine engine name
 * @param engineVersion engine (PyTorch) version
 * @param djlVersion DJL version
 * @param devices every device the engine can see
 * @param gpuCount number of GPUs the engine sees
 * @param device the device in use
 * @param requestedDevice what {@code cnn.engine.device} asked for
 * @param threads thread settings
 * @param allocator the native memory allocator and whether it was tuned
 * @param offline whether DJL is forbidden to download anything
 * @param cacheDir where DJL keeps its native library (for admin keys only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SystemInfo(String engine, String engineVersion, String djlVersion, List<String> devices, int gpuCount,
		String device, String requestedDevice, Threads threads, String allocator, boolean offline, String cacheDir) {

	/** The same without where DJL's files are, for callers who may not see paths. */
	public SystemInfo withoutCacheDir() {
		return new SystemInfo(this.engine, this.engineVersion, this.djlVersion, this.devices, this.gpuCount,
				this.device, this.requestedDevice, this.threads, this.allocator, this.offline, null);
	}

	/**
	 * Thread settings in effect.
	 *
	 * @param intraOp threads per operator
	 * @param interOp threads across operators
	 * @param availableProcessors cores the JVM sees
	 * @param ompWaitPolicy the {@code OMP_WAIT_POLICY} environment variable, if set
	 */
	public record Threads(int intraOp, int interOp, int availableProcessors, String ompWaitPolicy) {
	}

}
