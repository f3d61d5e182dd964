package io.cnnservice.training.jobs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.cnnservice.training.api.EpochResult;
import io.cnnservice.training.api.JobStatus;
import io.cnnservice.training.api.Progress;
import io.cnnservice.training.api.Recovery;
import io.cnnservice.training.api.TrainingJobView;
import io.cnnservice.training.api.TrainingRequest;

/**
 * Mutable state of one job, shared between the thread that runs it and request threads
 * that read it; every read is a consistent snapshot.
 */
public final class TrainingJob {

	private final String id;

	private final TrainingRequest request;

	private JobStatus status;

	private Progress progress;

	private final List<EpochResult> history = new ArrayList<>();

	private Integer modelVersion;

	private String error;

	private TrainingJobView.Timeline timeline;

	private Recovery recovery = Recovery.NONE;

	private volatile boolean cancelRequested;

	private volatile boolean interruptRequested;

	private volatile String interruptNote;

	public TrainingJob(String id, TrainingRequest request, Instant createdAt) {
		this.id = id;
		this.request = request;
		this.timeline = TrainingJobView.Timeline.submittedAt(createdAt);
		this.status = JobStatus.QUEUED;
		this.progress = Progress.queued(request.epochs());
	}

	/** Rebuilds a job from its persisted view. */
	public static TrainingJob restore(TrainingJobView view) {
		TrainingJob job = new TrainingJob(view.id(), view.request(), view.timeline().createdAt());
		job.status = view.status();
		job.progress = view.progress();
		if (view.history() != null) {
			job.history.addAll(view.history());
		}
		job.modelVersion = view.outcome().modelVersion();
		job.error = view.outcome().error();
		job.timeline = view.timeline();
		job.recovery = (view.recovery() != null) ? view.recovery() : Recovery.NONE;
		return job;
	}

	public String id() {
		return this.id;
	}

	public TrainingRequest request() {
		return this.request;
	}

	public boolean isCancelRequested() {
		return this.cancelRequested;
	}

	/** Whether the job should stop at its next batch to resume later (a shutdown). */
	public boolean isInterruptRequested() {
		return this.interruptRequested;
	}

	/**
	 * Asks a running job to stop at its next batch, checkpoint and stay queued.
	 * @param note why, kept as the job's message
	 */
	public void requestInterrupt(String note) {
		this.interruptNote = note;
		this.interruptRequested = true;
	}

	public String interruptNote() {
		return this.interruptNote;
	}

	public synchronized Recovery recovery() {
		return this.recovery;
	}

	public synchronized JobStatus status() {
		return this.status;
	}

	public synchronized TrainingJobView view() {
		return new TrainingJobView(this.id, this.status, this.request, this.progress, List.copyOf(this.history),
				new TrainingJobView.Outcome(this.request.modelName(), this.modelVersion, this.error), this.timeline,
				this.recovery.equals(Recovery.NONE) ? null : this.recovery);
	}

	/** Moves a queued job to running; false when it was cancelled while waiting. */
	public synchronized boolean start() {
		if (this.status != JobStatus.QUEUED) {
			return false;
		}
		this.status = JobStatus.RUNNING;
		this.error = null;
		if (this.timeline.startedAt() == null) {
			this.timeline = this.timeline.startedAt(Instant.now());
		}
		this.progress = this.progress.inPhase("loading-data");
		return true;
	}

	/**
	 * Asks the job to stop. A queued job is cancelled at once, a running one at its next
	 * batch boundary.
	 * @return false when the job had already finished
	 */
	public synchronized boolean requestCancel() {
		if (this.status.isFinished()) {
			return false;
		}
		this.cancelRequested = true;
		if (this.status == JobStatus.QUEUED) {
			finish(JobStatus.CANCELLED, "cancelled before it started");
		}
		return true;
	}

	public synchronized void progress(Progress p) {
		this.progress = p;
	}

	public synchronized void phase(String phase) {
		this.progress = this.progress.inPhase(phase);
	}

	public synchronized void epochDone(EpochResult result) {
		this.history.add(result);
		this.recovery = this.recovery.epochFinished();
	}

	/** Training continues from a checkpoint, whose history replaces the record's. */
	public synchronized void resumed(Recovery.Position from, List<EpochResult> checkpointHistory) {
		this.history.clear();
		this.history.addAll(checkpointHistory);
		this.recovery = this.recovery.resumedFrom(from);
	}

	public synchronized void checkpointed(Recovery.Position at) {
		this.recovery = this.recovery.checkpointed(at);
	}

	/**
	 * Queues a job again that was interrupted (or ended) so that it continues: counts the
	 * restart if it had started.
	 * @param note why, kept as the job's message until it runs
	 * @param byRequest a user asked for it, which does not count towards a crash loop
	 */
	public synchronized void requeue(String note, boolean byRequest) {
		if (byRequest) {
			this.recovery = this.recovery.resumedByRequest();
		}
		else if (this.timeline.startedAt() != null) {
			this.recovery = this.recovery.restarted();
		}
		this.status = JobStatus.QUEUED;
		this.error = note;
		this.timeline = this.timeline.finishedAt(null);
		this.cancelRequested = false;
		this.interruptRequested = false;
		this.progress = this.progress.inPhase("queued");
	}

	/** A queued job waits for something outside (a node for its pod), and says what. */
	public synchronized void waiting(String reason) {
		this.error = reason;
		this.progress = this.progress.inPhase("pending");
	}

	/**
	 * A running job that stopped to resume later stays queued, with the reason; the
	 * restart is counted now, so whichever process resumes it need not tell how it
	 * stopped.
	 */
	public synchronized void interrupted(String note) {
		this.recovery = this.recovery.restarted();
		this.status = JobStatus.QUEUED;
		this.error = note;
		this.progress = this.progress.inPhase("queued");
	}

	public synchronized void succeed(int version) {
		this.modelVersion = version;
		finish(JobStatus.SUCCEEDED, null);
	}

	public synchronized void finish(JobStatus end, String message) {
		this.status = end;
		this.error = message;
		this.timeline = this.timeline.finishedAt(Instant.now());
		this.progress = this.progress.inPhase("done");
	}

}
