package io.cnnservice.training.runners;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.cnnservice.engine.EngineWork;
import io.cnnservice.training.api.InvalidTrainingRequestException;
import io.cnnservice.training.api.JobStatus;
import io.cnnservice.training.api.Recovery;
import io.cnnservice.training.api.TrainingJobView;
import io.cnnservice.training.api.TrainingProperties;
import io.cnnservice.training.api.TrainingQueueFullException;
import io.cnnservice.training.api.TrainingRequest;
import io.cnnservice.training.durable.JobBook;
import io.cnnservice.training.durable.JobLeases;
import io.cnnservice.training.jobs.JobRepository;
import io.cnnservice.training.jobs.TrainingJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs on this machine from a bounded queue: each queued or running job holds a
 * lease in the store, orphans (jobs no live process owns) are taken up, and a drain
 * leaves the running job checkpointed and queued. Subclasses say what running one job
 * means: training it in this process, or handing it to a worker process.
 */
public abstract class LocalRunner implements JobRunner {

	private static final Logger log = LoggerFactory.getLogger(LocalRunner.class);

	protected final JobBook book;

	protected final JobRepository repository;

	protected final JobLeases leases;

	private final TrainingProperties properties;

	/** Runs the jobs; made anew when a drained runner takes jobs again. */
	private volatile ThreadPoolExecutor executor;

	/** The one thread that hands jobs to the executor, so that it makes its threads. */
	private final ExecutorService launcher;

	private volatile boolean draining;

	protected LocalRunner(JobBook book, JobRepository repository, JobLeases leases, TrainingProperties properties) {
		this.book = book;
		this.repository = repository;
		this.leases = leases;
		this.properties = properties;
		this.executor = newExecutor();
		// started now, on the start-up thread, before request threads lower their
		// priority (ServingPriority): the training threads it makes, and the worker
		// processes they start, inherit its normal priority
		this.launcher = Executors.newSingleThreadExecutor(r -> {
			Thread t = new Thread(r, "training-launcher");
			t.setDaemon(true);
			return t;
		});
		this.launcher.submit(() -> {
		});
	}

	private ThreadPoolExecutor newExecutor() {
		AtomicInteger threads = new AtomicInteger();
		// Training threads exit when idle, so that their OpenMP teams do not outlive
		// the job and make every other thread's workers sleep (see EngineWork).
		ThreadPoolExecutor pool = new ThreadPoolExecutor(this.properties.concurrency(), this.properties.concurrency(),
				EngineWork.KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS, (this.properties.queueCapacity() > 0)
						? new ArrayBlockingQueue<>(this.properties.queueCapacity()) : new SynchronousQueue<>(),
				r -> {
					Thread t = new Thread(r, "training-" + threads.incrementAndGet());
					t.setDaemon(false);
					return t;
				});
		pool.allowCoreThreadTimeOut(true);
		return pool;
	}

	/** Takes jobs again after a drain: the process (or its context) has started again. */
	@Override
	public synchronized void open() {
		if (this.executor.isShutdown()) {
			this.executor = newExecutor();
		}
		this.draining = false;
	}

	/**
	 * Runs a queued job whose lease this process holds, to its end or until another
	 * process has it.
	 */
	protected abstract void run(TrainingJob job);

	/** Whether the job is in this process's hands though it holds no lease on it now. */
	protected boolean handedOff(String id) {
		return false;
	}

	@Override
	public void check(TrainingRequest request) {
		String field = request.cluster().firstSet();
		if (field != null) {
			throw InvalidTrainingRequestException.badField(field,
					"resources and activeDeadlineSeconds apply to cluster jobs; this service runs jobs locally (cnn.training.runner=local)");
		}
	}

	@Override
	public TrainingJobView submit(TrainingJob job) {
		this.leases.acquire(job.id());
		this.book.add(job);
		if (!enqueue(job)) {
			this.book.withdraw(job.id());
			this.leases.release(job.id());
			throw queueFull();
		}
		return job.view();
	}

	@Override
	public TrainingJobView cancel(TrainingJob job) {
		this.book.requestCancel(job);
		return job.view();
	}

	@Override
	public TrainingJobView resume(TrainingJob job) {
		String id = job.id();
		Runnable undo = this.book.reopen(job);
		if (!enqueue(job)) {
			// as it was: a record left queued would be taken up as an orphan after all
			undo.run();
			this.leases.release(id);
			throw queueFull();
		}
		log.info("Training job {} resumed by request", id);
		return job.view();
	}

	@Override
	public synchronized void adoptOrphans() {
		// oldest first, so that they queue in the order they were submitted
		List<TrainingJobView> views = this.repository.loadAll()
			.stream()
			.sorted(Comparator.comparing((TrainingJobView v) -> v.timeline().createdAt()))
			.toList();
		for (TrainingJobView view : views) {
			String id = view.id();
			if (this.leases.holds(id) || handedOff(id)) {
				continue;
			}
			if (view.status().isFinished() || this.leases.heldElsewhere(id) || this.draining
					|| !this.leases.acquire(id)) {
				this.book.remember(view);
				continue;
			}
			TrainingJob job = this.book.takeUp(view);
			if (job == null) {
				continue;
			}
			if (!enqueue(job)) {
				// the queue is full: leave it queued in the store for a later look
				this.leases.release(id);
				continue;
			}
			log.info("Training job {} queued again ({} restarts)", id, job.recovery().restarts());
		}
	}

	/** Whether a drain has begun. */
	protected boolean draining() {
		return this.draining;
	}

	/** Runs the job on a training thread now and returns when it is done. */
	protected void runNow(TrainingJob job) throws InterruptedException {
		Future<?> done = this.executor.submit(() -> execute(job));
		try {
			done.get();
		}
		catch (ExecutionException ex) {
			log.error("Training job {} could not run", job.id(), ex.getCause());
		}
	}

	/** Runs the job when a training thread is free; false when the queue is full. */
	private boolean enqueue(TrainingJob job) {
		try {
			return this.launcher.submit(() -> {
				try {
					this.executor.execute(() -> execute(job));
					return true;
				}
				catch (RejectedExecutionException ex) {
					return false;
				}
			}).get();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("cannot queue training job " + job.id(), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private void execute(TrainingJob job) {
		if (this.draining || !this.leases.holds(job.id())) {
			return;
		}
		run(job);
	}

	private TrainingQueueFullException queueFull() {
		return TrainingQueueFullException.withCapacity(this.executor.getActiveCount(), this.executor.getQueue().size(),
				this.properties.retryAfterSeconds());
	}

	/**
	 * Whether a drain should interrupt the training threads at once: they only wait for
	 * work done elsewhere, which goes on by itself.
	 */
	protected boolean threadsOnlyWait() {
		return false;
	}

	/**
	 * Stops taking jobs, has the running ones checkpoint at their next batch and stay
	 * queued, leaves the queued ones queued, and gives up every lease, so that the next
	 * process on the store resumes them.
	 */
	@Override
	public void drain(Duration timeout) throws InterruptedException {
		long start = System.nanoTime();
		this.draining = true;
		String note = "interrupted by shutdown; resumes on the next start";
		List<TrainingJob> running = this.book.all()
			.stream()
			.filter(j -> j.status() == JobStatus.RUNNING && this.leases.holds(j.id()))
			.toList();
		running.forEach(job -> {
			if (this.repository.cancelRequested(job.id())) {
				// a cancel that raced the shutdown is a cancel
				job.requestCancel();
			}
			else {
				job.requestInterrupt(note);
			}
		});
		if (threadsOnlyWait()) {
			this.executor.shutdownNow();
		}
		this.executor.shutdown();
		if (!this.executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			this.executor.shutdownNow();
		}
		for (TrainingJob job : this.book.all()) {
			if (this.leases.holds(job.id())) {
				if (job.status() == JobStatus.RUNNING) {
					// did not reach a batch boundary in time: its newest checkpoint
					// stands
					job.interrupted(note);
				}
				this.repository.save(job);
				this.leases.release(job.id());
			}
		}
		String checkpoints = running.stream()
			.map(j -> j.id() + " at " + positionOf(j.recovery().checkpoint()))
			.collect(Collectors.joining(", "));
		log.info("Drained training in {} ms{}{}", (System.nanoTime() - start) / 1_000_000,
				running.isEmpty() ? "" : ": checkpointed ", checkpoints);
	}

	private static String positionOf(Recovery.Position p) {
		return (p != null) ? "epoch " + p.epoch() + ", batch " + p.batch() : "no checkpoint";
	}

}
