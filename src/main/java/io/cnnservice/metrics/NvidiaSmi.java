package io.cnnservice.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code nvidia-smi --query-gpu=index,utilization.gpu,memory.used,memory.total
 * --format=csv,noheader,nounits}: one line per GPU, utilisation in percent and memory in
 * MiB. Fields a GPU cannot report ({@code [N/A]}, {@code [Not Supported]}) become NaN.
 */
final class NvidiaSmi {

	static final List<String> COMMAND = List.of("nvidia-smi",
			"--query-gpu=index,utilization.gpu,memory.used,memory.total", "--format=csv,noheader,nounits");

	private static final double MIB = 1024.0 * 1024.0;

	private NvidiaSmi() {
	}

	static List<GpuSample> parse(String output) {
		List<GpuSample> gpus = new ArrayList<>();
		for (String line : output.split("\\R")) {
			if (line.isBlank()) {
				continue;
			}
			String[] f = line.split(",");
			if (f.length < 4) {
				throw new IllegalArgumentException("unexpected nvidia-smi line: " + line);
			}
			int index = Integer.parseInt(f[0].trim());
			gpus.add(new GpuSample(index, number(f[1]) / 100.0, number(f[2]) * MIB, number(f[3]) * MIB));
		}
		return gpus;
	}

	private static double number(String field) {
		String v = field.trim();
		try {
			return Double.parseDouble(v);
		}
		catch (NumberFormatException ex) {
			return Double.NaN;
		}
	}

}
