package io.cnnservice.metrics;

import java.util.ArrayList;
import java.util.List;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/** Reads GPU utilisation and memory from the NVIDIA driver's NVML library through JNA. */
final class Nvml {

	/** The few NVML calls we need (nvml.h). */
	interface NvmlLibrary extends Library {

		int nvmlInit_v2();

		int nvmlDeviceGetCount_v2(IntByReference count);

		int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

		int nvmlDeviceGetUtilizationRates(Pointer device, Utilization utilization);

		int nvmlDeviceGetMemoryInfo(Pointer device, Memory memory);

	}

	/** nvmlUtilization_t. */
	@Structure.FieldOrder({ "gpu", "memory" })
	public static class Utilization extends Structure {

		public int gpu;

		public int memory;

	}

	/** nvmlMemory_t. */
	@Structure.FieldOrder({ "total", "free", "used" })
	public static class Memory extends Structure {

		public long total;

		public long free;

		public long used;

	}

	private final NvmlLibrary nvml;

	private Nvml(NvmlLibrary nvml) {
		this.nvml = nvml;
	}

	/** NVML when the driver library loads and initialises, else null. */
	static Nvml load() {
		try {
			NvmlLibrary library = Native.load("nvidia-ml", NvmlLibrary.class);
			return (library.nvmlInit_v2() == 0) ? new Nvml(library) : null;
		}
		catch (LinkageError | RuntimeException ex) {
			// no driver, or JNA cannot map its stub (a noexec /tmp in a container): no
			// NVML
			return null;
		}
	}

	List<GpuSample> sample() {
		IntByReference count = new IntByReference();
		check(this.nvml.nvmlDeviceGetCount_v2(count));
		List<GpuSample> gpus = new ArrayList<>();
		for (int i = 0; i < count.getValue(); i++) {
			PointerByReference handle = new PointerByReference();
			check(this.nvml.nvmlDeviceGetHandleByIndex_v2(i, handle));
			Utilization u = new Utilization();
			Memory m = new Memory();
			double util = (this.nvml.nvmlDeviceGetUtilizationRates(handle.getValue(), u) == 0) ? u.gpu / 100.0
					: Double.NaN;
			check(this.nvml.nvmlDeviceGetMemoryInfo(handle.getValue(), m));
			gpus.add(new GpuSample(i, util, m.used, m.total));
		}
		return gpus;
	}

	private static void check(int code) {
		if (code != 0) {
			throw new IllegalStateException("NVML error " + code);
		}
	}

}
