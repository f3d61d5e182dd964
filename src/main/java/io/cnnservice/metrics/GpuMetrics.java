package io.cnnservice.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * GPU gauges, sampled on a schedule (never on a request path): NVML when the driver
 * library is there, else {@code nvidia-smi}, else no GPU ({@code cnn_gpu_count 0}).
 */
@Component
class GpuMetrics {

	private static final Logger log = LoggerFactory.getLogger(GpuMetrics.class);

	/** Series that exist once per GPU, so not at all on a machine without one. */
	static final java.util.List<String> PER_GPU_SERIES = java.util.List.of("cnn_gpu_utilization_ratio",
			"cnn_gpu_memory_used_bytes", "cnn_gpu_memory_total_bytes");

	private final MeterRegistry registry;

	private final Nvml nvml;

	private volatile boolean smiAvailable = true;

	private volatile List<GpuSample> last = List.of();

	private final Map<Integer, GpuSample[]> perGpu = new ConcurrentHashMap<>();

	GpuMetrics(MeterRegistry registry) {
		this.registry = registry;
		this.nvml = Nvml.load();
		Gauge.builder("cnn.gpu.count", this, g -> g.last.size()).description("GPUs seen").register(registry);
		sample();
	}

	@Scheduled(fixedDelayString = "${cnn.metrics.gpu-sample-interval:10s}")
	void sample() {
		List<GpuSample> samples = read();
		this.last = samples;
		for (GpuSample s : samples) {
			GpuSample[] holder = this.perGpu.computeIfAbsent(s.index(), this::register);
			holder[0] = s;
		}
	}

	private List<GpuSample> read() {
		if (this.nvml != null) {
			try {
				return this.nvml.sample();
			}
			catch (RuntimeException ex) {
				log.debug("NVML sample failed: {}", ex.getMessage());
			}
		}
		if (!this.smiAvailable) {
			return List.of();
		}
		try {
			Process p = new ProcessBuilder(NvidiaSmi.COMMAND).redirectErrorStream(true).start();
			String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
				return List.of();
			}
			return NvidiaSmi.parse(out);
		}
		catch (IOException ex) {
			// no nvidia-smi on this machine: stop trying
			this.smiAvailable = false;
			return List.of();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return List.of();
		}
		catch (RuntimeException ex) {
			log.debug("Cannot parse nvidia-smi output: {}", ex.getMessage());
			return List.of();
		}
	}

	private GpuSample[] register(int index) {
		GpuSample[] holder = new GpuSample[1];
		String gpu = Integer.toString(index);
		Gauge.builder("cnn.gpu.utilization.ratio", holder, h -> h[0].utilization())
			.description("Share of time a kernel ran on the GPU")
			.tag("gpu", gpu)
			.register(this.registry);
		Gauge.builder("cnn.gpu.memory.used", holder, h -> h[0].memoryUsedBytes())
			.description("GPU memory in use")
			.baseUnit("bytes")
			.tag("gpu", gpu)
			.register(this.registry);
		Gauge.builder("cnn.gpu.memory.total", holder, h -> h[0].memoryTotalBytes())
			.description("GPU memory on the board")
			.baseUnit("bytes")
			.tag("gpu", gpu)
			.register(this.registry);
		return holder;
	}

}
