package io.cnnservice.training.runners.kubernetes;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import io.cnnservice.training.api.JobStatus;
import io.cnnservice.training.api.TrainingJobNotFoundException;
import io.cnnservice.training.api.TrainingJobView;
import io.cnnservice.training.api.TrainingRequest;
import io.cnnservice.training.durable.JobBook;
import io.cnnservice.training.durable.JobLeases;
import io.cnnservice.training.jobs.JobRepository;
import io.cnnservice.training.jobs.TrainingJob;
import io.cnnservice.training.runners.JobRunner;

/**
 * The kubernetes runner: each job runs as a {@code batch/v1} Job whose pod is a worker,
 * and this process never trains. The job's record in the shared store stays the truth of
 * its progress; the cluster only runs it, and the Job controller restarts what fails.
 */
class KubernetesRunner implements JobRunner {

	private final KubernetesJobs cluster;

	private final JobSpecs specs;

	private final JobBook book;

	private final JobRepository repository;

	private final JobLeases leases;

	KubernetesRunner(KubernetesJobs cluster, JobSpecs specs, JobBook book, JobRepository repository, JobLeases leases) {
		this.cluster = cluster;
		this.specs = specs;
		this.book = book;
		this.repository = repository;
		this.leases = leases;
	}

	@Override
	public void check(TrainingRequest request) {
		this.specs.check(request.cluster().resources());
	}

	@Override
	public TrainingJobView submit(TrainingJob job) {
		this.repository.save(job);
		try {
			this.cluster.launch(job.view());
		}
		catch (RuntimeException ex) {
			this.book.withdraw(job.id());
			throw ex;
		}
		return this.book.remember(job.view()).view();
	}

	@Override
	public TrainingJobView cancel(TrainingJob job) {
		String id = job.id();
		if (this.book.requestCancel(job)) {
			return job.view();
		}
		this.cluster.stop(id);
		if (job.status() == JobStatus.QUEUED && !this.leases.heldElsewhere(id)) {
			// no worker has started: none will, now that its Job is gone
			return recordCancelled(id);
		}
		return job.view();
	}

	private TrainingJobView recordCancelled(String id) {
		if (!this.leases.acquire(id)) {
			return this.book.find(id).view();
		}
		try {
			TrainingJob job = this.book
				.remember(this.repository.load(id).orElseThrow(() -> TrainingJobNotFoundException.forId(id)));
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

	@Override
	public TrainingJobView resume(TrainingJob job) {
		String id = job.id();
		Runnable undo = this.book.reopen(job);
		try {
			// its earlier Job, if still kept for its logs, must not run again
			this.cluster.stop(id);
			this.cluster.launch(job.view());
		}
		catch (RuntimeException ex) {
			undo.run();
			throw ex;
		}
		finally {
			this.leases.release(id);
		}
		return job.view();
	}

	/** Nothing runs here: the workers in the cluster checkpoint on their own SIGTERM. */
	@Override
	public void drain(Duration timeout) {
	}

	/** Jobs whose records say they have not ended. */
	List<TrainingJobView> unfinished() {
		return this.book.list().stream().filter(v -> !v.status().isFinished()).toList();
	}

	/**
	 * Records why a queued job that no worker runs waits (its pod is pending), as the
	 * job's message.
	 */
	void waiting(String id, String reason) {
		record(id, job -> {
			if (job.status() != JobStatus.QUEUED || reason.equals(job.view().error())) {
				return false;
			}
			job.waiting(reason);
			return true;
		});
	}

	/** Fails a job that no worker runs, whose cluster Job failed for good or vanished. */
	void failed(String id, String reason) {
		record(id, job -> {
			job.finish(JobStatus.FAILED, reason);
			return true;
		});
	}

	/**
	 * Changes the stored record of an unfinished job under its lease, unless a worker
	 * holds it.
	 * @param change changes the job; false when there is nothing to save
	 */
	private void record(String id, Predicate<TrainingJob> change) {
		if (!this.leases.acquire(id)) {
			return;
		}
		try {
			Optional<TrainingJobView> stored = this.repository.load(id);
			if (stored.isPresent() && !stored.get().status().isFinished()) {
				TrainingJob job = this.book.remember(stored.get());
				if (change.test(job)) {
					this.repository.save(job);
				}
			}
		}
		finally {
			this.leases.release(id);
		}
	}

}
