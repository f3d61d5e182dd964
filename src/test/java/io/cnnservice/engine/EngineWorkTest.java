package io.cnnservice.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineWorkTest {

	private final EngineRuntime runtime = new EngineRuntime(
			new EngineProperties(EngineProperties.DeviceChoice.CPU, 0, 0, true, "", true));

	private final EngineWork work = new EngineWork(this.runtime);

	@AfterEach
	void close() {
		this.work.destroy();
	}

	@Test
	void givesUpOnWorkThatQueuedTooLongAndNeverRunsIt() throws Exception {
		// this machine has 2 cores and the engine 2 intra-op threads: one engine-work
		// thread, so a second task queues behind the first
		int threads = Math.max(1,
				Runtime.getRuntime().availableProcessors() / Math.max(1, ai.djl.pytorch.jni.JniUtils.getNumThreads()));
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch started = new CountDownLatch(threads);
		CompletableFuture<?>[] blockers = new CompletableFuture<?>[threads];
		for (int i = 0; i < threads; i++) {
			blockers[i] = CompletableFuture.runAsync(() -> this.work.call(() -> {
				started.countDown();
				return release.await(10, TimeUnit.SECONDS);
			}));
		}
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
		AtomicInteger ran = new AtomicInteger();
		long start = System.nanoTime();
		assertThatThrownBy(() -> this.work.call(ran::incrementAndGet, Duration.ofMillis(200),
				() -> new IllegalStateException("busy")))
			.hasMessage("busy");
		assertThat((System.nanoTime() - start) / 1e6).isBetween(150.0, 2000.0);
		release.countDown();
		CompletableFuture.allOf(blockers).get(5, TimeUnit.SECONDS);
		assertThat(this.work.call(() -> "after")).isEqualTo("after");
		assertThat(ran).as("the abandoned task").hasValue(0);
	}

	@Test
	void passesTheTasksOwnExceptionsThrough() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.work.call(() -> {
			throw new IllegalArgumentException("bad input");
		})).withMessage("bad input");
	}

	@Test
	void runsOnItsOwnThreadsWhichGoAwayWhenIdle() throws Exception {
		String name = this.work.call(() -> Thread.currentThread().getName());
		assertThat(name).startsWith("engine-work-").isNotEqualTo(Thread.currentThread().getName());
		assertThat(this.work.threadsAlive()).isPositive();
		long deadline = System.nanoTime() + EngineWork.KEEP_ALIVE.plusSeconds(3).toNanos();
		while (this.work.threadsAlive() > 0 && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(this.work.threadsAlive()).isZero();
	}

}
