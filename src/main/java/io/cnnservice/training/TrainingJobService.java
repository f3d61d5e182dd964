package io.cnnservice.training;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Accepts training jobs, runs them on a bounded executor, and keeps their records (in
 * memory and under the model store, so they survive a restart).
 */
@Service
public class TrainingJobService {

	private static final Logger log = LoggerFactory.getLogger(TrainingJobService.class);

	private final TrainingProperties properties;

	private final ArchitectureCatalog architectures;

	private final DatasetCatalog datasets;

	private final TrainingRunner runner;

	private final JobRepository repository;

	private final ThreadPoolExecutor executor;

	private final Map<String, TrainingJob> jobs = new ConcurrentHashMap<>();

	private volatile boolean shuttingDown;

	TrainingJobService(TrainingProperties properties, ArchitectureCatalog architectures, DatasetCatalog datasets,
			TrainingRunner runner, JobRepository repository) {
		this.properties = properties;
		this.architectures = architectures;
		this.datasets = datasets;
		this.runner = runner;
		this.repository = repository;
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
		recover();
	}

	/**
	 * Jobs that were queued or running when the process died are failed, with the reason.
	 */
	private void recover() {
		for (TrainingJobView view : this.repository.loadAll()) {
			TrainingJob job = TrainingJob.restore(view);
			if (!view.status().isFinished()) {
				job.finish(JobStatus.FAILED, "the service stopped while this job was "
						+ view.status().name().toLowerCase() + "; it was not resumed (resubmit it to train again)");
				this.repository.save(job);
				log.info("Marked interrupted training job {} as failed", job.id());
			}
			this.jobs.put(job.id(), job);
		}
	}

	/**
	 * Validates the request against the catalogues, fills in defaults and queues the job.
	 * @throws InvalidTrainingRequestException when it names something that cannot be
	 * trained
	 * @throws TrainingQueueFullException when the queue is full
	 */
	public TrainingJobView submit(TrainingRequest request) {
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
		this.jobs.put(job.id(), job);
		try {
			this.executor.execute(() -> execute(job));
		}
		catch (RejectedExecutionException ex) {
			this.jobs.remove(job.id());
			throw TrainingQueueFullException.withCapacity(this.executor.getActiveCount(),
					this.executor.getQueue().size(), this.properties.retryAfterSeconds());
		}
		this.repository.save(job);
		return job.view();
	}

	private void execute(TrainingJob job) {
		if (!job.start()) {
			return;
		}
		this.repository.save(job);
		log.info("Training job {} started: {}", job.id(), job.request());
		try {
			int version = this.runner.run(job, this.repository::save);
			job.succeed(version);
			log.info("Training job {} succeeded: model {} version {}", job.id(), job.request().modelName(), version);
		}
		catch (TrainingRunner.Cancelled ex) {
			if (this.shuttingDown) {
				job.finish(JobStatus.FAILED, "the service shut down while this job was running");
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
			this.repository.save(job);
		}
	}

	/** Every job, newest first. */
	public List<TrainingJobView> list() {
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
		if (!job.requestCancel()) {
			throw JobAlreadyFinishedException.forJob(id, job.status());
		}
		this.repository.save(job);
		return job.view();
	}

	private TrainingJob find(String id) {
		TrainingJob job = this.jobs.get(id);
		if (job == null) {
			throw TrainingJobNotFoundException.forId(id);
		}
		return job;
	}

	/** Stops running jobs at their next batch and records why. */
	@PreDestroy
	void shutdown() throws InterruptedException {
		this.shuttingDown = true;
		this.jobs.values().forEach(job -> {
			if (job.status() == JobStatus.RUNNING) {
				job.requestCancel();
			}
			else if (job.status() == JobStatus.QUEUED) {
				job.finish(JobStatus.FAILED, "the service shut down before this job started");
				this.repository.save(job);
			}
		});
		this.executor.shutdown();
		if (!this.executor.awaitTermination(60, TimeUnit.SECONDS)) {
			this.executor.shutdownNow();
		}
	}

}
