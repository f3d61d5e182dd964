package io.cnnservice.engine;

import com.sun.jna.Library;
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
	void reportsTheDefaultsWhenTurnedOff() {
		assumeTrue(System.getenv("LD_PRELOAD") == null || !System.getenv("LD_PRELOAD").contains("jemalloc"),
				"jemalloc is preloaded");
		assertThat(NativeAllocator.tune(false)).startsWith("glibc 2.").endsWith("(defaults)");
	}

}
