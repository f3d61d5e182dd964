package io.cnnservice.engine;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Runs engine work for HTTP requests (inference, layer tables) on threads that exit once
 * they have been idle for {@link #KEEP_ALIVE}, instead of on the web server's threads,
 * which live for ever.
 * <p>
 * Why: the engine's OpenMP runtime (libgomp) gives every thread that runs a parallel
 * operator its own team of worker threads, and keeps that team until the thread exits.
 * Once the process holds more such workers than there are cores, every worker stops
 * spinning between operators and sleeps instead, for good. On 2 cores one classify
 * request on a web thread was enough: training afterwards ran at 6,700 instead of 10,500
 * images/s (lenet, MNIST, batch 64), with 47,000 instead of 50 voluntary context switches
 * per epoch. With the work on threads that go away, the teams go away with them and
 * training is back to full speed once inference has been quiet for a moment. While both
 * really do run at once, sleeping workers are the right thing, and libgomp does that.
 */
@Component
public class EngineWork implements DisposableBean {

	/** How long an idle engine-work thread (and its OpenMP team) is kept. */
	public static final Duration KEEP_ALIVE = Duration.ofSeconds(2);

	private final ThreadPoolExecutor executor;

	public EngineWork() {
		this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS,
				new SynchronousQueue<>(), threads("engine-work-"));
	}

	/**
	 * Threads named {@code prefix + n}, daemon so they never hold up shutdown.
	 * @param prefix the thread name prefix
	 * @return the factory
	 */
	public static ThreadFactory threads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return r -> {
			Thread t = new Thread(r, prefix + count.incrementAndGet());
			t.setDaemon(true);
			return t;
		};
	}

	/**
	 * Runs the task on an engine-work thread and waits for it. Unchecked exceptions and
	 * errors reach the caller as they were thrown.
	 * @param task the engine work
	 * @param <T> its result type
	 * @return its result
	 */
	public <T> T call(Callable<T> task) {
		Future<T> future = this.executor.submit(task);
		try {
			return future.get();
		}
		catch (InterruptedException ex) {
			future.cancel(true);
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

	/** Engine-work threads alive now (busy or waiting out their keep-alive). */
	public int threadsAlive() {
		return this.executor.getPoolSize();
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

}
