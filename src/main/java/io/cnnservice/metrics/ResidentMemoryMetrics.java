package io.cnnservice.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

/**
 * {@code process_resident_memory_bytes}: the JVM metrics do not see the engine's native
 * memory, the resident set does (Linux; NaN elsewhere).
 */
@Component
class ResidentMemoryMetrics implements MeterBinder {

	private static final Path STATM = Path.of("/proc/self/statm");

	/** Linux pages are 4 KiB on the platforms the native engine ships for. */
	private static final long PAGE = 4096;

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("process.resident.memory", ResidentMemoryMetrics::residentBytes)
			.description("Resident set size of the process, native memory included")
			.baseUnit("bytes")
			.register(registry);
	}

	static double residentBytes() {
		try {
			String[] fields = Files.readString(STATM).trim().split("\\s+");
			return Long.parseLong(fields[1]) * PAGE;
		}
		catch (IOException | RuntimeException ex) {
			return Double.NaN;
		}
	}

}
