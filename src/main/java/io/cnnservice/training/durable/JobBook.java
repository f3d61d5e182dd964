package io.cnnservice.training.durable;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.cnnservice.training.api.JobAlreadyFinishedException;
import io.cnnservice.training.api.JobNotResumableException;
import io.cnnservice.training.api.JobStatus;
import io.cnnservice.training.api.TrainingJobNotFoundException;
import io.cnnservice.training.api.TrainingJobView;
import io.cnnservice.training.jobs.JobRepository;
import io.cnnservice.training.jobs.TrainingJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The jobs this process knows, for processes that share one store: those it holds the
 * lease of, as it runs them, and every other one as the store's record says. Whatever
 * runs the jobs, this is where they are found, listed, saved, taken up and given up.
 */
@Component
public class JobBook {

	private static final Logger log = LoggerFactory.getLogger(JobBook.class);

	private final JobRepository repository;

	private final JobLeases leases;

	private final DurabilityProperties durability;

	private final Map<String, TrainingJob> jobs = new ConcurrentHashMap<>();

	/** Jobs whose lease another process took while this one ran them. */
	private final Set<String> lost = ConcurrentHashMap.newKeySet();

	/**
	 * Listings read records under the read lock; taking back the record of a job that was
	 * refused after all holds the write lock, so no listing brings it back.
	 */
	private final ReadWriteLock listing = new ReentrantReadWriteLock();

	JobBook(JobRepository repository, JobLeases leases, DurabilityProperties durability) {
		this.repository = repository;
		this.leases = leases;
		this.durability = durability;
	}

	/**
	 * Lists a job as its record says: the process that runs it keeps the record current.
	 */
	public TrainingJob remember(TrainingJobView view) {
		TrainingJob job = TrainingJob.restore(view);
		this.jobs.put(view.id(), job);
		return job;
	}

	/** A new job, recorded in the store, whose lease this process holds. */
	public void add(TrainingJob job) {
		this.jobs.put(job.id(), job);
		this.repository.save(job);
	}

	/**
	 * Takes back a job that was refused after all (the queue was full, the cluster said
	 * no): its record goes, and no listing meanwhile brings it back.
	 */
	public void withdraw(String id) {
		this.listing.writeLock().lock();
		try {
			this.repository.delete(id);
			this.jobs.remove(id);
		}
		finally {
			this.listing.writeLock().unlock();
		}
	}

	/** The job as this process last saw it, whoever holds it. */
	public Optional<TrainingJob> listed(String id) {
		return Optional.ofNullable(this.jobs.get(id));
	}

	/** Every job this process has listed. */
	public Collection<TrainingJob> all() {
		return this.jobs.values();
	}

	/**
	 * The job as this process runs it, or, when another process does (or did), as the
	 * store's record says now.
	 * @throws TrainingJobNotFoundException when there is no such job
	 */
	public TrainingJob find(String id) {
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

	/** Every job in the store, newest first. */
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
			.sorted(Comparator.comparing((TrainingJobView v) -> v.timeline().createdAt()).reversed())
			.toList();
	}

	/** How many listed jobs have this status. */
	public long count(JobStatus status) {
		return this.jobs.values().stream().filter(j -> j.status() == status).count();
	}

	/** Saves the job's record, unless another process has taken the job over. */
	public void save(TrainingJob job) {
		if (!this.lost.contains(job.id())) {
			this.repository.save(job);
		}
	}

	/**
	 * Asks an unfinished job to stop: at once here when this process holds it, else
	 * through the store for the process that does, which acts within about a second.
	 * @return whether this process holds it
	 * @throws JobAlreadyFinishedException when it has ended meanwhile
	 */
	public boolean requestCancel(TrainingJob job) {
		String id = job.id();
		if (!this.leases.holds(id)) {
			this.repository.requestCancel(id);
			return false;
		}
		if (!job.requestCancel()) {
			throw JobAlreadyFinishedException.forJob(id, job.status());
		}
		this.repository.save(job);
		return true;
	}

	/**
	 * Takes the lease of a failed or cancelled job and queues it again, to go on from its
	 * newest checkpoint: a resume by request.
	 * @return what puts the job back as it was, status, message and record, when it
	 * cannot go on after all (its lease is the caller's to give up)
	 * @throws JobNotResumableException when another process holds it
	 */
	public Runnable reopen(TrainingJob job) {
		String id = job.id();
		JobStatus status = job.status();
		String error = job.view().error();
		if (!this.leases.acquire(id)) {
			throw JobNotResumableException.because(id, "another process holds it");
		}
		job.requeue("resumed by request", true);
		this.jobs.put(id, job);
		// a cancel left for its earlier run must not stop this one
		this.repository.clearCancelRequest(id);
		this.repository.save(job);
		return () -> {
			job.finish(status, error);
			this.repository.save(job);
		};
	}

	/**
	 * Readies a stored job whose lease this process has just taken: a cancel left for it
	 * ends it, one that had started counts a restart, and one restarted too often without
	 * finishing an epoch fails.
	 * @return the job, queued and saved; null when it ended here (its lease released)
	 */
	public TrainingJob takeUp(TrainingJobView view) {
		String id = view.id();
		TrainingJob job = remember(view);
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
	 * Renews this process's leases and stops the jobs whose lease another process took.
	 * Called every {@link DurabilityProperties#heartbeat()}.
	 */
	public void renewLeases() {
		for (String id : this.leases.renew()) {
			TrainingJob job = this.jobs.get(id);
			if (job != null && !job.status().isFinished()) {
				this.lost.add(id);
				job.requestInterrupt("another process took this job over");
				log.error("Lost the lease of training job {} to another process; stopping it here", id);
			}
		}
	}

	/**
	 * Acts on what other processes left for the jobs this one holds: cancel requests.
	 * Called often, so that a cancel through another replica takes effect within about a
	 * second.
	 */
	public void pollRequests() {
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

}
