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

	private final EngineWork work = new EngineWork();

	@AfterEach
	void close() {
		this.work.destroy();
	}

	@Test
	void givesUpOnWorkThatQueuedTooLongAndNeverRunsIt() throws Exception {
		// one engine-work thread while nothing is queued, so this task queues behind the
		// blocked one
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<?> blocker = blockAThread(release);
		AtomicInteger ran = new AtomicInteger();
		long start = System.nanoTime();
		assertThatThrownBy(() -> this.work.call(ran::incrementAndGet, Duration.ofMillis(200),
				() -> new IllegalStateException("busy")))
			.hasMessage("busy");
		assertThat((System.nanoTime() - start) / 1e6).isBetween(150.0, 2000.0);
		release.countDown();
		blocker.get(5, TimeUnit.SECONDS);
		assertThat(this.work.call(() -> "after")).isEqualTo("after");
		assertThat(ran).as("the abandoned task").hasValue(0);
	}

	@Test
	void sharesOneThreadUntilWorkQueuesUp() throws Exception {
		assertThat(Runtime.getRuntime().availableProcessors()).as("needs 2 cores").isGreaterThanOrEqualTo(2);
		// one after another: always the same thread
		String first = this.work.call(() -> Thread.currentThread().getName());
		for (int i = 0; i < 20; i++) {
			assertThat(this.work.call(() -> Thread.currentThread().getName())).isEqualTo(first);
		}
		// A blocks the thread, B queues behind it; C finds work queued, so a second
		// thread starts and runs B and C while A still blocks
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<?> a = blockAThread(release);
		CompletableFuture<String> b = CompletableFuture
			.supplyAsync(() -> this.work.call(() -> Thread.currentThread().getName()));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (this.work.queued() == 0 && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(this.work.queued()).as("B queued").isEqualTo(1);
		String c = this.work.call(() -> Thread.currentThread().getName());
		assertThat(b.get(5, TimeUnit.SECONDS)).isNotEqualTo(first);
		assertThat(c).isNotEqualTo(first);
		assertThat(a).isNotDone();
		release.countDown();
		a.get(5, TimeUnit.SECONDS);
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

	/** Occupies an engine-work thread until {@code release}; returns once it runs. */
	private CompletableFuture<?> blockAThread(CountDownLatch release) throws InterruptedException {
		CountDownLatch started = new CountDownLatch(1);
		CompletableFuture<?> blocker = CompletableFuture.runAsync(() -> this.work.call(() -> {
			started.countDown();
			return release.await(10, TimeUnit.SECONDS);
		}));
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
		return blocker;
	}

}
