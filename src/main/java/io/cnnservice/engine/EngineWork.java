package io.cnnservice.engine;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Runs engine work for HTTP requests (inference, model loading, layer tables) on a few
 * threads of its own that exit once idle for {@link #KEEP_ALIVE}, instead of on the web
 * server's threads, which are many and live for ever.
 * <p>
 * Why: the engine's OpenMP runtime (libgomp) gives every thread that runs a parallel
 * operator its own team of workers and keeps it until the thread exits. Once the process
 * holds more OpenMP workers than cores, every worker sleeps between operators instead of
 * spinning, and training stays about a third slower for good (EngineThreadsTest).
 * <p>
 * So requests one after another share one thread, whose team keeps spinning. Only when
 * work queues up does it spread over up to one thread per core, so that no request waits
 * behind one time-sliced thread. Idle threads exit, and the training thread does the same
 * after its job.
 */
@Component
public class EngineWork implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(EngineWork.class);

	/** How long an idle engine-work thread (and its OpenMP team) is kept. */
	public static final Duration KEEP_ALIVE = Duration.ofSeconds(2);

	private final ThreadPoolExecutor executor;

	public EngineWork() {
		this(ServingPriority.unchanged());
	}

	@Autowired
	public EngineWork(ServingPriority priority) {
		int cores = Runtime.getRuntime().availableProcessors();
		AtomicInteger count = new AtomicInteger();
		// one core thread: with an unbounded queue the executor adds no more by itself;
		// call() raises the core size while work is queued
		this.executor = new ThreadPoolExecutor(1, Math.max(1, cores), KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), r -> {
					Thread t = new Thread(() -> {
						priority.lowerCurrentThread();
						r.run();
					}, "engine-work-" + count.incrementAndGet());
					t.setDaemon(true);
					return t;
				});
		this.executor.allowCoreThreadTimeOut(true);
		log.info("Engine work for requests runs on 1 to {} thread(s)", this.executor.getMaximumPoolSize());
	}

	/**
	 * Runs the task on an engine-work thread and waits for it. Unchecked exceptions and
	 * errors reach the caller as they were thrown.
	 * @param task the engine work
	 * @param <T> its result type
	 * @return its result
	 */
	public <T> T call(Callable<T> task) {
		return call(task, null, null);
	}

	/**
	 * Runs the task on an engine-work thread and waits for it, giving up if no thread has
	 * taken it on within {@code wait}. Once started, a task always runs to the end.
	 * @param task the engine work
	 * @param wait how long the task may queue, or null for no limit
	 * @param busy the exception to throw when it queued too long
	 * @param <T> its result type
	 * @return its result
	 */
	public <T> T call(Callable<T> task, Duration wait, Supplier<? extends RuntimeException> busy) {
		AtomicBoolean claimed = new AtomicBoolean();
		FutureTask<T> future = new FutureTask<>(() -> {
			if (!claimed.compareAndSet(false, true)) {
				return null; // the caller gave up on it while it queued
			}
			return task.call();
		});
		// queued work: spread over more threads; none: back to one, the others exit idle
		int wanted = this.executor.getQueue().isEmpty() ? 1 : this.executor.getMaximumPoolSize();
		if (this.executor.getCorePoolSize() != wanted) {
			this.executor.setCorePoolSize(wanted);
		}
		this.executor.execute(future);
		try {
			if (wait == null) {
				return future.get();
			}
			try {
				return future.get(wait.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException ex) {
				if (claimed.compareAndSet(false, true)) {
					this.executor.remove(future);
					throw busy.get();
				}
				return future.get(); // already running: wait for it
			}
		}
		catch (InterruptedException ex) {
			claimed.set(true);
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for the engine", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw new IllegalStateException(cause.getMessage(), cause);
		}
	}

	/** Tasks waiting for an engine-work thread. */
	public int queued() {
		return this.executor.getQueue().size();
	}

	/** Engine-work threads alive now (busy or waiting out their keep-alive). */
	public int threadsAlive() {
		return this.executor.getPoolSize();
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

}
