package io.cnnservice.training;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.cnnservice.architectures.Architecture;
import io.cnnservice.architectures.ArchitectureCatalog;
import io.cnnservice.architectures.ArchitectureNotFoundException;
import io.cnnservice.architectures.IncompatibleArchitectureException;
import io.cnnservice.architectures.NetworkBudget;
import io.cnnservice.datasets.DatasetCatalog;
import io.cnnservice.datasets.DatasetInfo;
import io.cnnservice.datasets.DatasetNotFoundException;
import io.cnnservice.datasets.InputSpec;
import io.cnnservice.training.api.InvalidTrainingRequestException;
import io.cnnservice.training.api.JobAlreadyFinishedException;
import io.cnnservice.training.api.JobNotResumableException;
import io.cnnservice.training.api.JobStatus;
import io.cnnservice.training.api.TrainingJobView;
import io.cnnservice.training.api.TrainingProperties;
import io.cnnservice.training.api.TrainingQueueFullException;
import io.cnnservice.training.api.TrainingRequest;
import io.cnnservice.training.durable.CheckpointStore;
import io.cnnservice.training.durable.DurabilityProperties;
import io.cnnservice.training.durable.JobBook;
import io.cnnservice.training.jobs.TrainingJob;
import io.cnnservice.training.runners.JobRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * The training jobs as the API sees them: validates a request against the catalogues,
 * fills in its defaults and records the job, and leaves running it to the configured
 * {@link JobRunner}. Jobs outlive the process: their records and leases live in the store
 * ({@link JobBook}), and a shutdown leaves the running job checkpointed and queued.
 */
@Service
public class TrainingJobService {

	private static final Logger log = LoggerFactory.getLogger(TrainingJobService.class);

	private final TrainingProperties properties;

	private final DurabilityProperties durability;

	private final ArchitectureCatalog architectures;

	private final NetworkBudget budget;

	private final DatasetCatalog datasets;

	private final JobBook book;

	private final CheckpointStore checkpoints;

	private final JobRunner runner;

	private volatile boolean draining;

	TrainingJobService(TrainingProperties properties, DurabilityProperties durability,
			ArchitectureCatalog architectures, NetworkBudget budget, DatasetCatalog datasets, JobBook book,
			CheckpointStore checkpoints, JobRunner runner) {
		this.properties = properties;
		this.durability = durability;
		this.architectures = architectures;
		this.budget = budget;
		this.datasets = datasets;
		this.book = book;
		this.checkpoints = checkpoints;
		this.runner = runner;
	}

	/**
	 * Validates the request against the catalogues, fills in defaults and starts the job.
	 * @throws InvalidTrainingRequestException when it names something that cannot be
	 * trained
	 * @throws TrainingQueueFullException when the job cannot be taken now
	 */
	public TrainingJobView submit(TrainingRequest request) {
		if (this.draining) {
			throw TrainingQueueFullException.draining(this.properties.retryAfterSeconds());
		}
		validate(request);
		this.runner.check(request);
		TrainingRequest resolved = request.withDefaults(ThreadLocalRandom.current().nextLong(0, 1L << 31));
		String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		return this.runner.submit(new TrainingJob(id, resolved, Instant.now()));
	}

	private void validate(TrainingRequest request) {
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
		TrainingRequest.Evaluation evaluation = request.evaluation();
		if (Boolean.TRUE.equals(request.data().permutePixels()) && evaluation.hasExtraViews()) {
			// both would run and agree with serving, but a mirrored or moved scrambled
			// image is no mirrored or moved digit
			throw Boolean.TRUE.equals(evaluation.testTimeFlip()) ? InvalidTrainingRequestException.badField(
					"testTimeFlip",
					"testTimeFlip cannot be combined with permutePixels: the mirror of a permuted image is not the permuted mirror image")
					: InvalidTrainingRequestException.badField("testTimeShift",
							"testTimeShift cannot be combined with permutePixels: a moved permuted image is not the permuted moved image");
		}
		// a missing standard dataset downloads when the job starts
		boolean downloads = dataset.format() == null && dataset.downloadable();
		if (!dataset.ready() && !downloads) {
			throw InvalidTrainingRequestException.unusable("dataset",
					"Dataset '" + dataset.name() + "' is not available: " + dataset.problem());
		}
		InputSpec spec = dataset.inputSpec();
		if (spec != null) {
			try {
				// sized before anything is allocated: a network too big for the machine
				// is a 400
				this.budget.check(architecture, spec, request.network(),
						(request.batchSize() != null) ? request.batchSize() : 64);
			}
			catch (IncompatibleArchitectureException ex) {
				throw InvalidTrainingRequestException.badField(ex.field(), ex.getMessage());
			}
		}
	}

	/** Every job, newest first. */
	public List<TrainingJobView> list() {
		return this.book.list();
	}

	/** How many jobs have this status. */
	public long count(JobStatus status) {
		return this.book.count(status);
	}

	public TrainingJobView get(String id) {
		return this.book.find(id).view();
	}

	/**
	 * Cancels a queued job at once, a running one at its next batch boundary.
	 * @throws JobAlreadyFinishedException when it has already finished
	 */
	public TrainingJobView cancel(String id) {
		TrainingJob job = this.book.find(id);
		if (job.status().isFinished()) {
			throw JobAlreadyFinishedException.forJob(id, job.status());
		}
		return this.runner.cancel(job);
	}

	/**
	 * Continues a failed or cancelled job from its newest checkpoint.
	 * @throws JobNotResumableException when it succeeded, has not ended, or has no
	 * checkpoint
	 */
	public TrainingJobView resume(String id) {
		TrainingJob job = this.book.find(id);
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
		return this.runner.resume(job);
	}

	/** Metrics ports of the worker processes running now, by job id. */
	public Map<String, Integer> workerMetricsPorts() {
		return this.runner.workerMetricsPorts();
	}

	/** Takes up the jobs in the store that no live process owns. */
	void adoptOrphans() {
		this.runner.adoptOrphans();
	}

	/** Renews this process's leases, then takes up orphans. */
	void heartbeat() {
		this.book.renewLeases();
		this.runner.adoptOrphans();
	}

	/** Acts on requests other processes left for this process's jobs. */
	void pollRequests() {
		this.book.pollRequests();
	}

	/** Takes jobs again: at start-up, or when a stopped context starts again. */
	void open() {
		this.runner.open();
		this.draining = false;
	}

	/**
	 * Stops taking jobs, and has the runner leave every running job checkpointed and
	 * queued for the next process, within the drain timeout.
	 */
	public void drain() throws InterruptedException {
		this.draining = true;
		this.runner.drain(this.durability.drainTimeout());
		log.debug("Training drained");
	}

}
