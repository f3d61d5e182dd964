package io.cnnservice.engine;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Engine settings ({@code cnn.engine.*}). The PyTorch engine reads its thread counts
 * once, when it is first loaded, so these apply to the whole process.
 *
 * @param device which device to compute on
 * @param intraOpThreads threads one operator may use; {@code 0} keeps the engine default
 * (one per core)
 * @param interOpThreads threads for running independent operators; {@code 0} keeps the
 * engine default
 * @param offline forbid DJL from downloading anything at run time
 * @param cacheDir where DJL unpacks its native library; empty means {@code DJL_CACHE_DIR}
 * or {@code ~/.djl.ai}
 * @param tuneAllocator keep glibc malloc from returning the engine's memory to the kernel
 * between training steps (see {@link NativeAllocator}); ignored under jemalloc
 */
@Validated
@ConfigurationProperties("cnn.engine")
public record EngineProperties(@DefaultValue("auto") DeviceChoice device,
		@DefaultValue("0") @Min(0) @Max(256) int intraOpThreads,
		@DefaultValue("0") @Min(0) @Max(256) int interOpThreads, @DefaultValue("true") boolean offline,
		@DefaultValue("") String cacheDir, @DefaultValue("true") boolean tuneAllocator) {

	/** The device a user may ask for. */
	public enum DeviceChoice {

		/** A GPU when the engine sees one, else the CPU. */
		AUTO,
		/** Always the CPU. */
		CPU,
		/** The first GPU; start-up fails when there is none. */
		GPU

	}

}
