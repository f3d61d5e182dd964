package io.cnnservice.metrics;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NvidiaSmiTest {

	@Test
	void parsesOneLinePerGpuInRatiosAndBytes() {
		// as printed by nvidia-smi 535 for an A100 and a T4 with the query in
		// NvidiaSmi.COMMAND
		String output = """
				0, 87, 30215, 40960
				1, 0, 3, 15360
				""";
		List<GpuSample> gpus = NvidiaSmi.parse(output);

		assertThat(gpus).hasSize(2);
		assertThat(gpus.get(0).index()).isZero();
		assertThat(gpus.get(0).utilization()).isEqualTo(0.87);
		assertThat(gpus.get(0).memoryUsedBytes()).isEqualTo(30215.0 * 1024 * 1024);
		assertThat(gpus.get(0).memoryTotalBytes()).isEqualTo(40960.0 * 1024 * 1024);
		assertThat(gpus.get(1).utilization()).isZero();
	}

	@Test
	void fieldsAGpuCannotReportBecomeNaN() {
		// MIG slices and some laptop GPUs report [N/A] or [Not Supported]
		List<GpuSample> gpus = NvidiaSmi.parse("0, [N/A], 1024, 8192\r\n1, [Not Supported], [N/A], 4096\n");

		assertThat(gpus.get(0).utilization()).isNaN();
		assertThat(gpus.get(0).memoryUsedBytes()).isEqualTo(1024.0 * 1024 * 1024);
		assertThat(gpus.get(1).memoryUsedBytes()).isNaN();
		assertThat(gpus.get(1).memoryTotalBytes()).isEqualTo(4096.0 * 1024 * 1024);
	}

	@Test
	void noGpuMeansNoSamplesAndGarbageIsAnError() {
		assertThat(NvidiaSmi.parse("")).isEmpty();
		assertThatThrownBy(
				() -> NvidiaSmi.parse("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver"))
			.isInstanceOf(IllegalArgumentException.class);
	}

}
