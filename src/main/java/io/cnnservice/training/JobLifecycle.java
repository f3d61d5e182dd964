package io.cnnservice.training;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.cnnservice.training.durable.DurabilityProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Starts and stops the durable side of training with the application: at start-up it
 * takes up the jobs the store holds and starts the lease heartbeat; at shutdown, before
 * the web server stops, it drains the running job into a checkpoint.
 */
@Component
class JobLifecycle implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(JobLifecycle.class);

	/** How often the store is read for requests about this process's jobs. */
	static final long REQUEST_POLL_MILLIS = 500;

	private final TrainingJobService jobs;

	private final DurabilityProperties properties;

	private ScheduledExecutorService heartbeat;

	private volatile boolean running;

	JobLifecycle(TrainingJobService jobs, DurabilityProperties properties) {
		this.jobs = jobs;
		this.properties = properties;
	}

	@Override
	public void start() {
		// a context stopped and started again (as the test framework does to one it
		// caches) takes jobs again and resumes those its drain left
		this.jobs.open();
		this.jobs.adoptOrphans();
		this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "job-leases");
			t.setDaemon(true);
			return t;
		});
		// one bad look at the store must not end either task
		every(this.properties.heartbeat().toMillis(), this.jobs::heartbeat, "Job lease heartbeat");
		// requests other processes leave (a cancel through another replica)
		every(REQUEST_POLL_MILLIS, this.jobs::pollRequests, "Reading job requests");
		this.running = true;
	}

	private void every(long millis, Runnable task, String what) {
		this.heartbeat.scheduleWithFixedDelay(() -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				log.warn("{} failed", what, ex);
			}
		}, millis, millis, TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.heartbeat != null) {
			this.heartbeat.shutdownNow();
		}
		try {
			this.jobs.drain();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
