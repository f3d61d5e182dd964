package io.cnnservice.engine;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NativeAllocatorTest {

	/** glibc's {@code struct mallinfo2}: ten size_t counters. */
	@Structure.FieldOrder({ "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
			"fordblks", "keepcost" })
	public static class MallInfo2 extends Structure implements Structure.ByValue {

		public long arena;

		public long ordblks;

		public long smblks;

		public long hblks;

		public long hblkhd;

		public long usmblks;

		public long fsmblks;

		public long uordblks;

		public long fordblks;

		public long keepcost;

	}

	interface Glibc extends Library {

		MallInfo2 mallinfo2();

		Pointer malloc(long size);

		void free(Pointer p);

		int getrusage(int who, Memory usage);

	}

	/** {@code RUSAGE_THREAD}: the calling thread's usage. */
	private static final int RUSAGE_THREAD = 1;

	/**
	 * Offset of {@code ru_minflt} in {@code struct rusage} on 64-bit Linux: two timevals,
	 * then four longs.
	 */
	private static final int RU_MINFLT = 64;

	/**
	 * Minor page faults of the calling thread while it allocates, touches and frees
	 * {@code blocks} buffers of {@code bytes} each, all live at once as a step's
	 * activations are.
	 */
	private static long faultsOfOneStep(Glibc libc, int blocks, long bytes) {
		Memory usage = new Memory(144);
		libc.getrusage(RUSAGE_THREAD, usage);
		long before = usage.getLong(RU_MINFLT);
		Pointer[] live = new Pointer[blocks];
		for (int i = 0; i < blocks; i++) {
			live[i] = libc.malloc(bytes);
			live[i].setMemory(0, bytes, (byte) 1);
		}
		for (Pointer p : live) {
			libc.free(p);
		}
		libc.getrusage(RUSAGE_THREAD, usage);
		return usage.getLong(RU_MINFLT) - before;
	}

	@Test
	void keepsAStepSizedBufferOnTheHeapInsteadOfMappingItPerAllocation() {
		assumeTrue(System.getenv("LD_PRELOAD") == null || !System.getenv("LD_PRELOAD").contains("jemalloc"),
				"jemalloc is preloaded");
		String allocator = NativeAllocator.tune(true);
		assertThat(allocator).startsWith("glibc ").endsWith("(heap kept between steps)");

		// vgg-small's first activation at batch 64 is 16.8 MB; 24 MB stands for the
		// largest buffers a step allocates below the new 32 MB threshold. With glibc's
		// defaults (128 KB mmap threshold) it would be mapped on malloc and unmapped on
		// free, and every step would fault its pages in again.
		Glibc libc = Native.load("c", Glibc.class);
		for (int i = 0; i < 3; i++) {
			long mappedBefore = libc.mallinfo2().hblkhd;
			Pointer block = libc.malloc(24L * 1024 * 1024);
			try {
				assertThat(libc.mallinfo2().hblkhd).as("bytes in mmapped blocks").isEqualTo(mappedBefore);
			}
			finally {
				libc.free(block);
			}
		}
	}

	@Test
	void aSecondStepLargerThanOneHeapFaultsNoPagesIn() throws Exception {
		assumeTrue(System.getenv("LD_PRELOAD") == null || !System.getenv("LD_PRELOAD").contains("jemalloc"),
				"jemalloc is preloaded");
		NativeAllocator.tune(true);
		Glibc libc = Native.load("c", Glibc.class);
		// 5 x 24 MB live at once cannot fit one 64 MB per-thread heap, so the arena adds
		// heaps; a fresh thread, as a training job has, allocates from such an arena.
		// Without the top pad glibc unmapped the added heaps on free, and the next step
		// faulted all 120 MB (30,000 pages) in again. The first step faults only if the
		// arena is new: one left by an earlier test's thread may hold the heaps already.
		long[] secondStepFaults = new long[1];
		Thread steps = new Thread(() -> {
			faultsOfOneStep(libc, 5, 24L * 1024 * 1024);
			secondStepFaults[0] = faultsOfOneStep(libc, 5, 24L * 1024 * 1024);
		});
		steps.start();
		steps.join();
		assertThat(secondStepFaults[0]).as("second step's faults").isLessThan(1_000);
	}

	@Test
	void reportsTheDefaultsWhenTurnedOff() {
		assumeTrue(System.getenv("LD_PRELOAD") == null || !System.getenv("LD_PRELOAD").contains("jemalloc"),
				"jemalloc is preloaded");
		assertThat(NativeAllocator.tune(false)).startsWith("glibc 2.").endsWith("(defaults)");
	}

}
