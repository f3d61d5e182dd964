package io.cnnservice.engine;

import java.util.Locale;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops glibc malloc from giving the engine's freed memory back to the kernel between
 * training steps.
 * <p>
 * Each step allocates and frees the same activation and gradient buffers. With glibc's
 * defaults, buffers above the (adaptive) mmap threshold are mapped and unmapped every
 * step, and a free top of heap beyond the trim threshold is returned, so the next step
 * page-faults the memory back in, spending much of the step in the kernel
 * (bench/step-breakdown). Raising both thresholds keeps it mapped, as jemalloc with decay
 * disabled (the container image's allocator) does; resident memory then stays at its peak
 * instead of shrinking between steps.
 * <p>
 * The training thread allocates from a per-thread arena, whose heaps are at most 64 MB
 * each. A step of a bigger net (vgg-small) spreads over several, and glibc unmaps a heap
 * as soon as it is entirely free, whatever the trim threshold; only the top pad keeps it.
 */
final class NativeAllocator {

	private static final Logger log = LoggerFactory.getLogger(NativeAllocator.class);

	/** {@code M_TRIM_THRESHOLD} from glibc's malloc.h. */
	static final int M_TRIM_THRESHOLD = -1;

	/** {@code M_TOP_PAD} from glibc's malloc.h. */
	static final int M_TOP_PAD = -2;

	/** {@code M_MMAP_THRESHOLD} from glibc's malloc.h. */
	static final int M_MMAP_THRESHOLD = -3;

	/**
	 * The largest mmap threshold glibc accepts on 64-bit ({@code HEAP_MAX_SIZE / 2}).
	 * Blocks above it are still mapped and unmapped; they are rare, and a kept heap that
	 * large would waste memory.
	 */
	static final int MMAP_THRESHOLD = 32 * 1024 * 1024;

	/** Never trim the heap (the largest value mallopt takes). */
	static final int TRIM_THRESHOLD = Integer.MAX_VALUE;

	/**
	 * A whole per-thread heap ({@code HEAP_MAX_SIZE} on 64-bit): glibc unmaps a free heap
	 * only when the heap before it could still supply this much, which no heap can.
	 */
	static final int TOP_PAD = 64 * 1024 * 1024;

	/** The C library functions used here. */
	interface LibC extends Library {

		int mallopt(int param, int value);

		String gnu_get_libc_version();

	}

	private NativeAllocator() {
	}

	/**
	 * Applies the tuning when enabled and the process allocates with glibc malloc.
	 * @param enabled {@code cnn.engine.tune-allocator}
	 * @return what the process allocates with, for the system report
	 */
	static String tune(boolean enabled) {
		String preload = System.getenv("LD_PRELOAD");
		if (preload != null && preload.toLowerCase(Locale.ROOT).contains("jemalloc")) {
			return "jemalloc (LD_PRELOAD)";
		}
		if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
			return "system default";
		}
		LibC libc;
		String version;
		try {
			libc = Native.load("c", LibC.class);
			version = libc.gnu_get_libc_version();
		}
		catch (UnsatisfiedLinkError ex) {
			// not glibc (musl, for one): its malloc has no such knobs
			return "system default";
		}
		if (!enabled) {
			return "glibc " + version + " (defaults)";
		}
		if (libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) != 1 || libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) != 1
				|| libc.mallopt(M_TOP_PAD, TOP_PAD) != 1) {
			log.warn("glibc {} refused the malloc thresholds; training may page-fault between steps", version);
			return "glibc " + version + " (defaults)";
		}
		return "glibc " + version + " (heap kept between steps)";
	}

}
