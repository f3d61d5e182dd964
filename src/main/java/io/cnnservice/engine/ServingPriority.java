package io.cnnservice.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;
import org.springframework.validation.annotation.Validated;

/**
 * Runs request threads (HTTP and engine work) at a lower scheduling priority than
 * training, so that on a machine that does both a training worker keeps its cores under a
 * classify load while requests still get what training leaves. Linux gives each thread
 * its own nice value and threads inherit their creator's; lowering one's own priority
 * needs no privilege (raising it back would). Elsewhere this does nothing.
 */
@Component
public class ServingPriority {

	private static final Logger log = LoggerFactory.getLogger(ServingPriority.class);

	/** {@code SYS_gettid} on x86-64 and on arm64. */
	private static final int GETTID_X86_64 = 186;

	private static final int GETTID_AARCH64 = 178;

	private static final ThreadLocal<Boolean> lowered = ThreadLocal.withInitial(() -> false);

	/**
	 * {@code cnn.engine.*}.
	 *
	 * @param servingNice how much nicer than the process's other threads request threads
	 * run: 0 for the same priority, up to 19
	 */
	@Validated
	@ConfigurationProperties("cnn.engine")
	public record Properties(@DefaultValue("5") @Min(0) @Max(19) int servingNice) {
	}

	interface LibC extends Library {

		long syscall(long number);

		int getpriority(int which, int who);

		int setpriority(int which, int who, int prio);

	}

	private final int nice;

	private final LibC libc;

	public ServingPriority(Properties properties) {
		this.nice = properties.servingNice();
		this.libc = (this.nice > 0 && Platform.isLinux()) ? load() : null;
		if (this.libc != null) {
			log.info("Request threads run {} nicer than training", this.nice);
		}
	}

	/** Request threads as they are: for tests and tools. */
	public static ServingPriority unchanged() {
		return new ServingPriority(new Properties(0));
	}

	private static LibC load() {
		try {
			return Native.load("c", LibC.class);
		}
		catch (UnsatisfiedLinkError ex) {
			log.warn("Cannot lower request threads' priority: {}", ex.getMessage());
			return null;
		}
	}

	/** Lowers the calling thread's priority, once per thread. */
	public void lowerCurrentThread() {
		if (this.libc == null || lowered.get()) {
			return;
		}
		lowered.set(true);
		int tid = (int) this.libc.syscall(Platform.isARM() ? GETTID_AARCH64 : GETTID_X86_64);
		// PRIO_PROCESS with a thread id applies to that thread alone on Linux
		int current = this.libc.getpriority(0, tid);
		this.libc.setpriority(0, tid, Math.min(19, current + this.nice));
	}

}
