package io.cnnservice.training.web;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.cnnservice.training.TrainingJobService;
import io.cnnservice.training.api.EpochResult;
import io.cnnservice.training.api.Progress;
import io.cnnservice.training.api.Recovery;
import io.cnnservice.training.api.TrainingJobView;
import io.cnnservice.training.api.TrainingProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Streams jobs to clients as server-sent events: a {@code job} event with the whole job
 * first, then a {@code progress} event whenever progress has moved (at most once per
 * {@code cnn.training.event-interval}), an {@code epoch} event per finished epoch, a
 * {@code resumed} event when the job continues from a checkpoint, and a last
 * {@code finished} event with the whole job, after which the stream ends.
 * <p>
 * Why: on a small machine every poll lands between the training threads and slows the job
 * a little; a stream costs one connection and a few writes from one thread that runs only
 * while someone watches (docs/performance.md).
 */
@Component
class TrainingJobEvents implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(TrainingJobEvents.class);

	private final TrainingJobService jobs;

	private final long intervalMillis;

	/** Sends every event; made anew when a stopped context starts again. */
	private volatile ScheduledExecutorService sender;

	private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

	/** Pushes to every subscription while there are any; guarded by this. */
	private ScheduledFuture<?> ticking;

	private volatile boolean running;

	TrainingJobEvents(TrainingJobService jobs, TrainingProperties properties) {
		this.jobs = jobs;
		this.intervalMillis = properties.eventInterval().toMillis();
		this.sender = newSender();
	}

	private static ScheduledExecutorService newSender() {
		return Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "job-events");
			t.setDaemon(true);
			return t;
		});
	}

	/**
	 * @param id the job
	 * @return the stream; its first event follows at once
	 * @throws TrainingJobNotFoundException before any stream starts, so the client gets a
	 * plain 404
	 */
	SseEmitter subscribe(String id) {
		this.jobs.get(id);
		// no timeout: a job may run for hours, and the stream ends when the job does
		SseEmitter emitter = new SseEmitter(0L);
		Subscription subscription = new Subscription(id, emitter);
		emitter.onCompletion(() -> remove(subscription));
		emitter.onError((ex) -> remove(subscription));
		try {
			add(subscription);
			// every send happens on the sender thread, so that one stream's events
			// never interleave
			this.sender.execute(() -> pushOrEnd(subscription));
		}
		catch (RejectedExecutionException ex) {
			// the service is shutting down: the stream ends at once
			subscription.done = true;
			remove(subscription);
			emitter.complete();
		}
		return emitter;
	}

	private synchronized void add(Subscription subscription) {
		this.subscriptions.add(subscription);
		if (this.ticking == null) {
			this.ticking = this.sender.scheduleWithFixedDelay(this::pushAll, this.intervalMillis, this.intervalMillis,
					TimeUnit.MILLISECONDS);
		}
	}

	private synchronized void remove(Subscription subscription) {
		this.subscriptions.remove(subscription);
		if (this.subscriptions.isEmpty() && this.ticking != null) {
			this.ticking.cancel(false);
			this.ticking = null;
		}
	}

	/** Open streams (for tests and the shutdown log). */
	int open() {
		return this.subscriptions.size();
	}

	private void pushAll() {
		for (Subscription subscription : this.subscriptions) {
			pushOrEnd(subscription);
		}
	}

	/**
	 * Pushes, and ends this one stream on an unexpected error: escaping the scheduled
	 * task, it would end the schedule, and with it every other stream.
	 */
	private void pushOrEnd(Subscription subscription) {
		try {
			push(subscription);
		}
		catch (RuntimeException ex) {
			log.warn("Event stream for job {} ended by an error", subscription.id, ex);
			subscription.done = true;
			remove(subscription);
			subscription.emitter.completeWithError(ex);
		}
	}

	private void push(Subscription s) {
		if (s.done) {
			return;
		}
		TrainingJobView job = this.jobs.get(s.id);
		List<EpochResult> history = job.history();
		boolean finished = job.status().isFinished();
		try {
			if (!s.greeted) {
				// a new watcher finds the epochs so far in the job itself, and one of a
				// finished job gets only the finished event below
				if (!finished) {
					send(s, "job", job);
				}
				s.greeted = true;
				s.resumedFrom = resumedFrom(job);
			}
			else {
				if (!Objects.equals(resumedFrom(job), s.resumedFrom)) {
					// the history may have gone back to the checkpoint's
					send(s, "resumed", job.recovery());
					s.resumedFrom = resumedFrom(job);
					s.epochsSent = Math.min(s.epochsSent, history.size());
				}
				for (int i = s.epochsSent; i < history.size(); i++) {
					send(s, "epoch", history.get(i));
				}
				if (!finished && !job.progress().equals(s.progress)) {
					send(s, "progress", job.progress());
				}
			}
			if (finished) {
				send(s, "finished", job);
				s.done = true;
				s.emitter.complete();
				return;
			}
			s.progress = job.progress();
			s.epochsSent = history.size();
		}
		catch (IOException | IllegalStateException ex) {
			// the client went away (or the stream was completed meanwhile); the
			// container reports the error to the emitter, which removes the subscription
			log.debug("Event stream for job {} closed: {}", s.id, ex.toString());
			s.done = true;
			remove(s);
		}
	}

	private static Recovery.Position resumedFrom(TrainingJobView job) {
		return (job.recovery() != null) ? job.recovery().resumedFrom() : null;
	}

	private static void send(Subscription s, String name, Object data) throws IOException {
		s.emitter.send(SseEmitter.event().name(name).data(data, MediaType.APPLICATION_JSON));
	}

	@Override
	public synchronized void start() {
		if (this.sender.isShutdown()) {
			this.sender = newSender();
			this.ticking = null;
		}
		this.running = true;
	}

	/**
	 * Ends every open stream before the web server shuts down gracefully, which would
	 * otherwise wait out its timeout for streams that last as long as their jobs.
	 */
	@Override
	public void stop() {
		this.running = false;
		if (open() > 0) {
			log.info("Closing {} job event stream(s) for shutdown", open());
		}
		for (Subscription s : this.subscriptions) {
			s.done = true;
			s.emitter.complete();
		}
		this.subscriptions.clear();
		this.sender.shutdownNow();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** One client's stream and what it has been sent; touched only by the sender. */
	private static final class Subscription {

		final String id;

		final SseEmitter emitter;

		volatile boolean done;

		/** Whether the opening {@code job} event has gone out. */
		boolean greeted;

		Progress progress;

		int epochsSent;

		/** Where the job last resumed, as this stream has told. */
		Recovery.Position resumedFrom;

		Subscription(String id, SseEmitter emitter) {
			this.id = id;
			this.emitter = emitter;
		}

	}

}
