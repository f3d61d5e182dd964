package io.cnnservice.training;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

import io.cnnservice.architectures.Architecture;
import io.cnnservice.architectures.ArchitectureCatalog;
import io.cnnservice.architectures.ArchitectureNotFoundException;
import io.cnnservice.architectures.ArchitectureOptions;
import io.cnnservice.architectures.IncompatibleArchitectureException;
import io.cnnservice.architectures.NetworkBudget;
import io.cnnservice.datasets.DatasetCatalog;
import io.cnnservice.datasets.DatasetInfo;
import io.cnnservice.datasets.DatasetNotFoundException;
import io.cnnservice.datasets.InputSpec;
import io.cnnservice.engine.EngineWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * Accepts training jobs, runs them on a bounded executor, and keeps their records (in
 * memory and under the model store). Jobs outlive the process: each queued or running job
 * holds a lease in the store, an interrupted one resumes from its checkpoint when a
 * process (this one restarted, or another sharing the store) takes it up, and a shutdown
 * checkpoints the running job and leaves it queued.
 */
@Service
public class TrainingJobService {

	private static final Logger log = LoggerFactory.getLogger(TrainingJobService.class);

	private final TrainingProperties properties;

	private final ArchitectureCatalog architectures;

	private final NetworkBudget budget;

	private final DatasetCatalog datasets;

	private final TrainingRunner runner;

	private final JobRepository repository;

	private final DurabilityProperties durability;

	private final JobLeases leases;

	private final CheckpointStore checkpoints;

	private final RunnerProperties runners;

	private final WorkerProperties worker;

	private final WorkerProcesses workers;

	/** Creates cluster Jobs with the kubernetes runner; null with the local one. */
	private final ClusterJobs cluster;

	private final ThreadPoolExecutor executor;

	/** The one thread that hands jobs to the executor, so that it makes its threads. */
	private final java.util.concurrent.ExecutorService launcher;

	/** Jobs handed to a worker process that may not hold their lease yet. */
	private final Set<String> handedOff = ConcurrentHashMap.newKeySet();

	/**
	 * Listings read records under the read lock; taking back the record of a job whose
	 * Job could not be created holds the write lock, so no listing brings it back.
	 */
	private final ReadWriteLock listing = new ReentrantReadWriteLock();

	private final Map<String, TrainingJob> jobs = new ConcurrentHashMap<>();

	/** Jobs whose lease another process took while this one ran them. */
	private final Set<String> lost = ConcurrentHashMap.newKeySet();

	private volatile boolean draining;

	TrainingJobService(TrainingProperties properties, ArchitectureCatalog architectures, DatasetCatalog datasets,
			TrainingRunner runner, JobRepository repository, DurabilityProperties durability, JobLeases leases,
			CheckpointStore checkpoints, RunnerProperties runners, WorkerProperties worker, WorkerProcesses workers,
			ObjectProvider<ClusterJobs> cluster, NetworkBudget budget) {
		this.properties = properties;
		this.budget = budget;
		this.runners = runners;
		this.worker = worker;
		this.workers = workers;
		this.cluster = (runners.runner() == RunnerProperties.Runner.KUBERNETES && !worker.isWorker())
				? cluster.getObject() : null;
		this.architectures = architectures;
		this.datasets = datasets;
		this.runner = runner;
		this.repository = repository;
		this.durability = durability;
		this.leases = leases;
		this.checkpoints = checkpoints;
		AtomicInteger threads = new AtomicInteger();
		// Training threads exit when idle, so that their OpenMP teams do not outlive
		// the job and make every other thread's workers sleep (see EngineWork).
		this.executor = new ThreadPoolExecutor(properties.concurrency(), properties.concurrency(),
				EngineWork.KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS,
				(properties.queueCapacity() > 0) ? new ArrayBlockingQueue<>(properties.queueCapacity())
						: new java.util.concurrent.SynchronousQueue<>(),
				r -> {
					Thread t = new Thread(r, "training-" + threads.incrementAndGet());
					t.setDaemon(false);
					return t;
				});
		this.executor.allowCoreThreadTimeOut(true);
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

	/**
	 * Takes up every job in the store that is queued or running and that no live process
	 * owns: at start-up, the jobs this process or a crashed one left, and later those of
	 * a replica that stopped renewing its leases. A job that had started is counted as
	 * restarted and resumes from its checkpoint; one restarted too often without
	 * finishing an epoch fails instead. Finished jobs, and those another process runs,
	 * are only listed.
	 */
	synchronized void adoptOrphans() {
		if (this.worker.isWorker() || this.cluster != null) {
			// a worker trains its one job; in a cluster, the Job controller restarts pods
			return;
		}
		// oldest first, so that they queue in the order they were submitted
		List<TrainingJobView> views = this.repository.loadAll()
			.stream()
			.sorted(Comparator.comparing(TrainingJobView::createdAt))
			.toList();
		for (TrainingJobView view : views) {
			String id = view.id();
			if (this.leases.holds(id) || this.handedOff.contains(id)) {
				continue;
			}
			if (view.status().isFinished() || this.leases.heldElsewhere(id) || this.draining
					|| !this.leases.acquire(id)) {
				remember(view);
				continue;
			}
			TrainingJob job = takeUp(view);
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

	/**
	 * Readies a stored job whose lease this process has just taken: a cancel left for it
	 * ends it, one that had started counts a restart, and one restarted too often without
	 * finishing an epoch fails.
	 * @return the job, queued and saved; null when it ended here (its lease released)
	 */
	private TrainingJob takeUp(TrainingJobView view) {
		String id = view.id();
		TrainingJob job = TrainingJob.restore(view);
		this.jobs.put(id, job);
		if (view.status().isFinished()) {
			this.leases.release(id);
			return null;
		}
		if (this.repository.cancelRequested(id)) {
			job.finish(JobStatus.CANCELLED, "cancelled by request");
			this.repository.save(job);
			this.repository.clearCancelRequest(id);
			this.leases.release(id);
			return null;
		}
		if (view.status() == JobStatus.RUNNING) {
			// its process died while it ran (one that stopped in order left it queued,
			// its restart counted)
			job.requeue("resuming after the process that ran it stopped while it was running", false);
		}
		if (job.recovery().resumesWithoutProgress() > this.durability.maxRestarts()) {
			job.finish(JobStatus.FAILED,
					"restarted " + job.recovery().resumesWithoutProgress()
							+ " times in a row without finishing an epoch (cnn.training.max-restarts is "
							+ this.durability.maxRestarts() + "); resume it by request once the cause is fixed");
			this.repository.save(job);
			this.leases.release(id);
			log.warn("Training job {} failed: {}", id, job.view().error());
			return null;
		}
		this.repository.save(job);
		return job;
	}

	/**
	 * Worker mode: takes the job's lease (waiting out a dead owner's), trains the job
	 * here and reports how it ended.
	 * @return the process's exit status (see {@link WorkerProperties})
	 */
	int work(String id) throws InterruptedException {
		long deadline = System.nanoTime() + this.durability.leaseTimeout().plusSeconds(5).toNanos();
		while (!this.leases.acquire(id)) {
			if (System.nanoTime() > deadline) {
				log.warn("Training job {} is held by another process; this worker leaves it", id);
				return WorkerProperties.EXIT_HELD_ELSEWHERE;
			}
			Thread.sleep(1000);
		}
		Optional<TrainingJobView> view = this.repository.load(id);
		if (view.isEmpty()) {
			this.leases.release(id);
			log.error("Training job {} has no record in the store {}", id, this.repository.dir());
			return WorkerProperties.EXIT_FAILED;
		}
		TrainingJob job = takeUp(view.get());
		if (job != null) {
			try {
				this.executor.submit(() -> execute(job)).get();
			}
			catch (java.util.concurrent.ExecutionException | RejectedExecutionException ex) {
				log.error("Training job {} could not run", id, ex);
			}
		}
		TrainingJob ended = this.jobs.get(id);
		return switch (ended.status()) {
			case SUCCEEDED, CANCELLED -> WorkerProperties.EXIT_DONE;
			case FAILED -> WorkerProperties.EXIT_FAILED;
			default -> WorkerProperties.EXIT_INTERRUPTED;
		};
	}

	/**
	 * Lists a job this process does not run, as its record says: the process that runs it
	 * keeps the record up to date.
	 */
	private TrainingJob remember(TrainingJobView view) {
		TrainingJob job = TrainingJob.restore(view);
		this.jobs.put(view.id(), job);
		return job;
	}

	/**
	 * Acts on what other processes left for the jobs this one holds: cancel requests.
	 * Called often, so that a cancel through another replica takes effect within about a
	 * second.
	 */
	void pollRequests() {
		for (TrainingJob job : this.jobs.values()) {
			String id = job.id();
			if (this.leases.holds(id) && this.repository.cancelRequested(id)) {
				this.repository.clearCancelRequest(id);
				if (job.requestCancel()) {
					this.repository.save(job);
					log.info("Training job {} cancelled through another process", id);
				}
			}
		}
	}

	/**
	 * Renews this process's leases, gives up jobs whose lease another process took, and
	 * adopts orphans. Called every {@link DurabilityProperties#heartbeat()}.
	 */
	void heartbeat() {
		for (String id : this.leases.renew()) {
			TrainingJob job = this.jobs.get(id);
			if (job != null && !job.status().isFinished()) {
				this.lost.add(id);
				job.requestInterrupt("another process took this job over");
				log.error("Lost the lease of training job {} to another process; stopping it here", id);
			}
		}
		adoptOrphans();
	}

	/** Runs the job when a worker is free; false when the queue is full. */
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
		catch (java.util.concurrent.ExecutionException ex) {
			throw new IllegalStateException("cannot queue training job " + job.id(), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Validates the request against the catalogues, fills in defaults and queues the job.
	 * @throws InvalidTrainingRequestException when it names something that cannot be
	 * trained
	 * @throws TrainingQueueFullException when the queue is full
	 */
	public TrainingJobView submit(TrainingRequest request) {
		if (this.draining) {
			throw TrainingQueueFullException.draining(this.properties.retryAfterSeconds());
		}
		Architecture architecture;
		try {
			architecture = this.architectures.get(request.architecture());
		}
		catch (ArchitectureNotFoundException ex) {
			throw InvalidTrainingRequestException.badField("architecture", ex.getMessage());
		}
		DatasetInfo dataset;
		try {
			dataset = this.datasets.describe(request.dataset());
		}
		catch (DatasetNotFoundException ex) {
			throw InvalidTrainingRequestException.badField("dataset", ex.getMessage());
		}
		if (Boolean.TRUE.equals(request.testTimeFlip()) && Boolean.TRUE.equals(request.permutePixels())) {
			// both would run and agree with serving, but the flip would mirror the
			// scrambled image, which is no mirror image of the digit
			throw InvalidTrainingRequestException.badField("testTimeFlip",
					"testTimeFlip cannot be combined with permutePixels: the mirror of a permuted image is not the permuted mirror image");
		}
		if (request.testTimeShift() != null && request.testTimeShift() > 0
				&& Boolean.TRUE.equals(request.permutePixels())) {
			// likewise: moving a scrambled image moves no digit
			throw InvalidTrainingRequestException.badField("testTimeShift",
					"testTimeShift cannot be combined with permutePixels: a moved permuted image is not the permuted moved image");
		}
		// a missing standard dataset downloads when the job starts
		boolean downloads = dataset.format() == null && dataset.downloadable();
		if (!dataset.ready() && !downloads) {
			throw InvalidTrainingRequestException.unusable("dataset",
					"Dataset '" + dataset.name() + "' is not available: " + dataset.problem());
		}
		if (dataset.inputShape() != null) {
			List<Integer> shape = dataset.inputShape();
			try {
				// sized before anything is allocated: a network too big for the machine
				// is a 400
				this.budget.check(architecture,
						new InputSpec(shape.get(0), shape.get(1), shape.get(2), dataset.classes().size()),
						request.architectureOptions(), (request.batchSize() != null) ? request.batchSize() : 64);
			}
			catch (IncompatibleArchitectureException ex) {
				throw InvalidTrainingRequestException.badField(ex.field(), ex.getMessage());
			}
		}
		if (this.cluster == null && (request.resources() != null || request.activeDeadlineSeconds() != null)) {
			throw InvalidTrainingRequestException.badField(
					(request.resources() != null) ? "resources" : "activeDeadlineSeconds",
					"resources and activeDeadlineSeconds apply to cluster jobs; this service runs jobs locally (cnn.training.runner=local)");
		}
		TrainingRequest resolved = request.withDefaults(ThreadLocalRandom.current().nextLong(0, 1L << 31));
		TrainingJob job = new TrainingJob(UUID.randomUUID().toString().replace("-", "").substring(0, 12), resolved,
				Instant.now());
		if (this.cluster != null) {
			this.repository.save(job);
			try {
				this.cluster.launch(job.view());
			}
			catch (RuntimeException ex) {
				this.listing.writeLock().lock();
				try {
					this.repository.delete(job.id());
					this.jobs.remove(job.id());
				}
				finally {
					this.listing.writeLock().unlock();
				}
				throw ex;
			}
			return remember(job.view()).view();
		}
		this.leases.acquire(job.id());
		this.jobs.put(job.id(), job);
		this.repository.save(job);
		if (!enqueue(job)) {
			this.jobs.remove(job.id());
			this.repository.delete(job.id());
			this.leases.release(job.id());
			throw TrainingQueueFullException.withCapacity(this.executor.getActiveCount(),
					this.executor.getQueue().size(), this.properties.retryAfterSeconds());
		}
		return job.view();
	}

	private void execute(TrainingJob job) {
		if (this.draining || !this.leases.holds(job.id())) {
			return;
		}
		if (this.runners.startsWorkers() && !this.worker.isWorker()) {
			executeInWorker(job);
			return;
		}
		if (!job.start()) {
			this.leases.release(job.id());
			return;
		}
		this.repository.save(job);
		log.info("Training job {} started: {}", job.id(), job.request());
		try {
			int version = this.runner.run(job, this::save);
			job.succeed(version);
			log.info("Training job {} succeeded: model {} version {}", job.id(), job.request().modelName(), version);
		}
		catch (StopCheck.Stopped ex) {
			if (ex.interrupted()) {
				job.interrupted(job.interruptNote());
			}
			else {
				job.finish(JobStatus.CANCELLED, "cancelled by request");
			}
			log.info("Training job {} stopped: {}", job.id(), job.view().error());
		}
		catch (Exception | OutOfMemoryError | StackOverflowError ex) {
			log.warn("Training job {} failed", job.id(), ex);
			String message = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
			job.finish(JobStatus.FAILED, message);
		}
		finally {
			save(job);
			this.leases.release(job.id());
		}
	}

	/**
	 * Hands the job to a worker process and waits for it to end. A worker that died
	 * before it started training fails the job; one that died while training leaves it to
	 * be taken up again, as any process's crash does.
	 */
	private void executeInWorker(TrainingJob job) {
		String id = job.id();
		if (job.status() != JobStatus.QUEUED) {
			this.leases.release(id);
			return;
		}
		this.handedOff.add(id);
		this.leases.release(id);
		int exit;
		try {
			exit = this.workers.run(id);
		}
		catch (InterruptedException ex) {
			// this process is stopping: the worker goes on by itself
			Thread.currentThread().interrupt();
			return;
		}
		catch (java.io.IOException ex) {
			exit = -1;
			log.error("Cannot start a worker process for training job {}", id, ex);
		}
		finally {
			this.handedOff.remove(id);
		}
		TrainingJobView view = this.repository.load(id).orElse(job.view());
		remember(view);
		// the record, not the exit status, says how it ended: a worker that could not
		// even start exits 1 too
		if (view.status().isFinished() || exit == WorkerProperties.EXIT_HELD_ELSEWHERE) {
			return;
		}
		if (view.startedAt() == null && this.leases.acquire(id)) {
			TrainingJob unstarted = remember(this.repository.load(id).orElse(view));
			if (unstarted.status() == JobStatus.QUEUED && unstarted.view().startedAt() == null) {
				unstarted.finish(JobStatus.FAILED, "its worker process exited with status " + exit
						+ " before it started training; the service's log says why");
				this.repository.save(unstarted);
			}
			this.leases.release(id);
			return;
		}
		log.warn("The worker of training job {} exited with status {}; the job is taken up again", id, exit);
		if (!this.draining) {
			adoptOrphans();
		}
	}

	/** Saves the job's record, unless another process has taken the job over. */
	private void save(TrainingJob job) {
		if (!this.lost.contains(job.id())) {
			this.repository.save(job);
		}
	}

	/** Every job, newest first. */
	public List<TrainingJobView> list() {
		this.listing.readLock().lock();
		try {
			for (TrainingJobView view : this.repository.loadAll()) {
				if (!this.leases.holds(view.id())) {
					remember(view);
				}
			}
		}
		finally {
			this.listing.readLock().unlock();
		}
		return this.jobs.values()
			.stream()
			.map(TrainingJob::view)
			.sorted(Comparator.comparing(TrainingJobView::createdAt).reversed())
			.toList();
	}

	/** How many jobs have this status. */
	public long count(JobStatus status) {
		return this.jobs.values().stream().filter(j -> j.status() == status).count();
	}

	public TrainingJobView get(String id) {
		return find(id).view();
	}

	/**
	 * Cancels a queued job at once, a running one at its next batch boundary.
	 * @throws JobAlreadyFinishedException when it has already finished
	 */
	public TrainingJobView cancel(String id) {
		TrainingJob job = find(id);
		if (job.status().isFinished()) {
			throw JobAlreadyFinishedException.forJob(id, job.status());
		}
		if (!this.leases.holds(id)) {
			// another process runs it: it acts on the request within about a second
			this.repository.requestCancel(id);
			if (this.cluster != null) {
				this.cluster.stop(id);
				if (job.status() == JobStatus.QUEUED && !this.leases.heldElsewhere(id)) {
					// no worker has started: none will, now that its Job is gone
					return recordCancelled(id);
				}
			}
			return job.view();
		}
		if (!job.requestCancel()) {
			throw JobAlreadyFinishedException.forJob(id, job.status());
		}
		this.repository.save(job);
		return job.view();
	}

	private TrainingJobView recordCancelled(String id) {
		if (!this.leases.acquire(id)) {
			return find(id).view();
		}
		try {
			TrainingJob job = remember(
					this.repository.load(id).orElseThrow(() -> TrainingJobNotFoundException.forId(id)));
			if (!job.status().isFinished()) {
				job.finish(JobStatus.CANCELLED, "cancelled before it started");
				this.repository.save(job);
			}
			this.repository.clearCancelRequest(id);
			return job.view();
		}
		finally {
			this.leases.release(id);
		}
	}

	/**
	 * Records why a queued job that no worker runs waits (its pod is pending), as the
	 * job's message.
	 */
	public void clusterWaiting(String id, String reason) {
		recordForCluster(id, job -> {
			if (job.status() != JobStatus.QUEUED || reason.equals(job.view().error())) {
				return false;
			}
			job.waiting(reason);
			return true;
		});
	}

	/** Fails a job that no worker runs, whose cluster Job failed for good or vanished. */
	public void clusterFailed(String id, String reason) {
		recordForCluster(id, job -> {
			job.finish(JobStatus.FAILED, reason);
			return true;
		});
	}

	/**
	 * Changes the stored record of an unfinished job under its lease, unless a worker
	 * holds it.
	 * @param change changes the job; false when there is nothing to save
	 */
	private void recordForCluster(String id, Predicate<TrainingJob> change) {
		if (!this.leases.acquire(id)) {
			return;
		}
		try {
			Optional<TrainingJobView> stored = this.repository.load(id);
			if (stored.isPresent() && !stored.get().status().isFinished()) {
				TrainingJob job = remember(stored.get());
				if (change.test(job)) {
					this.repository.save(job);
				}
			}
		}
		finally {
			this.leases.release(id);
		}
	}

	/** Jobs whose records say they have not ended, with the cluster runner. */
	public List<TrainingJobView> unfinished() {
		return list().stream().filter(v -> !v.status().isFinished()).toList();
	}

	/** Metrics ports of the local worker processes running now, by job id. */
	public Map<String, Integer> workerMetricsPorts() {
		return this.workers.metricsPorts();
	}

	/**
	 * Continues a failed or cancelled job from its newest checkpoint.
	 * @throws JobNotResumableException when it succeeded, has not ended, or has no
	 * checkpoint
	 */
	public TrainingJobView resume(String id) {
		TrainingJob job = find(id);
		JobStatus status = job.status();
		if (status == JobStatus.SUCCEEDED) {
			throw JobNotResumableException.because(id, "it succeeded");
		}
		if (!status.isFinished()) {
			throw JobNotResumableException.because(id, "it is " + status.name().toLowerCase(Locale.ROOT));
		}
		if (!this.checkpoints.exists(id)) {
			throw JobNotResumableException.because(id,
					"it has no checkpoint (it stopped before the first one was written)");
		}
		if (this.draining) {
			throw TrainingQueueFullException.draining(this.properties.retryAfterSeconds());
		}
		if (!this.leases.acquire(id)) {
			throw JobNotResumableException.because(id, "another process holds it");
		}
		if (this.cluster != null) {
			try {
				job.requeue("resumed by request", true);
				this.repository.clearCancelRequest(id);
				this.repository.save(job);
				// its earlier Job, if still kept for its logs, must not run again
				this.cluster.stop(id);
				this.cluster.launch(job.view());
			}
			catch (RuntimeException ex) {
				job.finish(status, job.view().error());
				this.repository.save(job);
				throw ex;
			}
			finally {
				this.leases.release(id);
			}
			return job.view();
		}
		this.jobs.put(id, job);
		job.requeue("resumed by request", true);
		this.repository.save(job);
		if (!enqueue(job)) {
			job.finish(status, job.view().error());
			this.leases.release(id);
			throw TrainingQueueFullException.withCapacity(this.executor.getActiveCount(),
					this.executor.getQueue().size(), this.properties.retryAfterSeconds());
		}
		log.info("Training job {} resumed by request", id);
		return job.view();
	}

	/**
	 * The job as this process runs it, or, when another process does (or did), as the
	 * store's record says now.
	 */
	private TrainingJob find(String id) {
		if (!this.leases.holds(id) && TrainingJobView.ID.matcher(id).matches()) {
			Optional<TrainingJobView> stored = this.repository.load(id);
			if (stored.isPresent()) {
				return remember(stored.get());
			}
		}
		TrainingJob job = this.jobs.get(id);
		if (job == null) {
			throw TrainingJobNotFoundException.forId(id);
		}
		return job;
	}

	/**
	 * Stops taking jobs, has the running ones checkpoint at their next batch and stay
	 * queued, leaves the queued ones queued, and gives up every lease, so that the next
	 * process on the store resumes them. Waits at most the drain timeout.
	 */
	void drain() throws InterruptedException {
		long start = System.nanoTime();
		this.draining = true;
		String note = "interrupted by shutdown; resumes on the next start";
		List<TrainingJob> running = this.jobs.values().stream().filter(j -> j.status() == JobStatus.RUNNING).toList();
		running.forEach(job -> {
			if (this.repository.cancelRequested(job.id())) {
				// a cancel that raced the shutdown (a deleted cluster Job) is a cancel
				job.requestCancel();
			}
			else {
				job.requestInterrupt(note);
			}
		});
		if (this.runners.startsWorkers() && !this.worker.isWorker()) {
			// threads here only wait for workers, which go on by themselves
			this.executor.shutdownNow();
		}
		this.executor.shutdown();
		boolean stopped = this.executor.awaitTermination(this.durability.drainTimeout().toMillis(),
				TimeUnit.MILLISECONDS);
		if (!stopped) {
			this.executor.shutdownNow();
		}
		for (TrainingJob job : this.jobs.values()) {
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
			.collect(java.util.stream.Collectors.joining(", "));
		log.info("Drained training in {} ms{}{}", (System.nanoTime() - start) / 1_000_000,
				running.isEmpty() ? "" : ": checkpointed ", checkpoints);
	}

	private static String positionOf(Recovery.Position p) {
		return (p != null) ? "epoch " + p.epoch() + ", batch " + p.batch() : "no checkpoint";
	}

	boolean isDraining() {
		return this.draining;
	}

}
