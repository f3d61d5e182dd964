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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cnnservice.architectures.Architecture;
import io.cnnservice.architectures.ArchitectureCatalog;
import io.cnnservice.architectures.ArchitectureNotFoundException;
import io.cnnservice.architectures.ArchitectureOptions;
import io.cnnservice.architectures.IncompatibleArchitectureException;
import io.cnnservice.datasets.DatasetCatalog;
import io.cnnservice.datasets.DatasetInfo;
import io.cnnservice.datasets.DatasetNotFoundException;
import io.cnnservice.datasets.InputSpec;
import io.cnnservice.engine.EngineWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

	private final DatasetCatalog datasets;

	private final TrainingRunner runner;

	private final JobRepository repository;

	private final DurabilityProperties durability;

	private final JobLeases leases;

	private final CheckpointStore checkpoints;

	private final ThreadPoolExecutor executor;

	private final Map<String, TrainingJob> jobs = new ConcurrentHashMap<>();

	/** Jobs whose lease another process took while this one ran them. */
	private final Set<String> lost = ConcurrentHashMap.newKeySet();

	private volatile boolean draining;

	TrainingJobService(TrainingProperties properties, ArchitectureCatalog architectures, DatasetCatalog datasets,
			TrainingRunner runner, JobRepository repository, DurabilityProperties durability, JobLeases leases,
			CheckpointStore checkpoints) {
		this.properties = properties;
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
	}

	/**
	 * Takes up every job in the store that is queued or running and that no live process
	 * owns: at start-up, the jobs this process or a crashed one left, and later those of
	 * a replica that stopped renewing its leases. A job that had started is counted as
	 * restarted and resumes from its checkpoint; one restarted too often without
	 * finishing an epoch fails instead. Finished jobs, and those another process runs,
	 * are only listed.
	 */
	void adoptOrphans() {
		// oldest first, so that they queue in the order they were submitted
		List<TrainingJobView> views = this.repository.loadAll()
			.stream()
			.sorted(Comparator.comparing(TrainingJobView::createdAt))
			.toList();
		for (TrainingJobView view : views) {
			String id = view.id();
			if (this.leases.holds(id)) {
				continue;
			}
			if (view.status().isFinished() || this.leases.heldElsewhere(id) || this.draining
					|| !this.leases.acquire(id)) {
				remember(view);
				continue;
			}
			TrainingJob job = TrainingJob.restore(view);
			if (this.repository.cancelRequested(id)) {
				job.finish(JobStatus.CANCELLED, "cancelled by request");
				this.jobs.put(id, job);
				this.repository.save(job);
				this.repository.clearCancelRequest(id);
				this.leases.release(id);
				continue;
			}
			if (view.startedAt() != null) {
				job.requeue("resuming after the service stopped while this job was "
						+ view.status().name().toLowerCase(Locale.ROOT), false);
			}
			this.jobs.put(id, job);
			if (job.recovery().resumesWithoutProgress() > this.durability.maxRestarts()) {
				job.finish(JobStatus.FAILED,
						"restarted " + job.recovery().resumesWithoutProgress()
								+ " times in a row without finishing an epoch (cnn.training.max-restarts is "
								+ this.durability.maxRestarts() + "); resume it by request once the cause is fixed");
				this.repository.save(job);
				this.leases.release(id);
				log.warn("Training job {} failed: {}", id, job.view().error());
				continue;
			}
			this.repository.save(job);
			if (!enqueue(job)) {
				// the queue is full: leave it queued in the store for a later look
				this.leases.release(id);
				continue;
			}
			log.info("Training job {} queued again ({} restarts)", id, job.recovery().restarts());
		}
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
			this.executor.execute(() -> execute(job));
			return true;
		}
		catch (RejectedExecutionException ex) {
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
				architecture.build(new InputSpec(shape.get(0), shape.get(1), shape.get(2), dataset.classes().size()),
						request.architectureOptions());
			}
			catch (IncompatibleArchitectureException ex) {
				throw InvalidTrainingRequestException.badField(ex.field(), ex.getMessage());
			}
		}
		TrainingRequest resolved = request.withDefaults(ThreadLocalRandom.current().nextLong(0, 1L << 31));
		TrainingJob job = new TrainingJob(UUID.randomUUID().toString().replace("-", "").substring(0, 12), resolved,
				Instant.now());
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

	/** Saves the job's record, unless another process has taken the job over. */
	private void save(TrainingJob job) {
		if (!this.lost.contains(job.id())) {
			this.repository.save(job);
		}
	}

	/** Every job, newest first. */
	public List<TrainingJobView> list() {
		for (TrainingJobView view : this.repository.loadAll()) {
			if (!this.leases.holds(view.id())) {
				remember(view);
			}
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
			return job.view();
		}
		if (!job.requestCancel()) {
			throw JobAlreadyFinishedException.forJob(id, job.status());
		}
		this.repository.save(job);
		return job.view();
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
		running.forEach(job -> job.requestInterrupt(note));
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
