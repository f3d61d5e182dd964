package io.cnnservice.training.runners.worker;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.cnnservice.training.api.JobStatus;
import io.cnnservice.training.api.TrainingJobView;
import io.cnnservice.training.api.TrainingProperties;
import io.cnnservice.training.durable.JobBook;
import io.cnnservice.training.durable.JobLeases;
import io.cnnservice.training.jobs.JobRepository;
import io.cnnservice.training.jobs.TrainingJob;
import io.cnnservice.training.runners.ConditionalOnRunner;
import io.cnnservice.training.runners.LocalRunner;
import io.cnnservice.training.runners.RunnerMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The local runner's default: each job trains in a worker process of its own, which
 * shares nothing with this process but the store. A worker's crash leaves the job to be
 * taken up again, and this process's restart does not stop a worker.
 */
@Component
@ConditionalOnRunner(RunnerMode.PROCESS)
class WorkerProcessRunner extends LocalRunner {

	private static final Logger log = LoggerFactory.getLogger(WorkerProcessRunner.class);

	private final WorkerProcesses workers;

	/** Jobs handed to a worker process that may not hold their lease yet. */
	private final Set<String> handedOff = ConcurrentHashMap.newKeySet();

	WorkerProcessRunner(JobBook book, JobRepository repository, JobLeases leases, TrainingProperties properties,
			WorkerProcesses workers) {
		super(book, repository, leases, properties);
		this.workers = workers;
	}

	/**
	 * Hands the job to a worker process and waits for it to end. A worker that died
	 * before it started training fails the job; one that died while training leaves it to
	 * be taken up again, as any process's crash does.
	 */
	@Override
	protected void run(TrainingJob job) {
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
		catch (IOException ex) {
			exit = -1;
			log.error("Cannot start a worker process for training job {}", id, ex);
		}
		finally {
			this.handedOff.remove(id);
		}
		TrainingJobView view = this.repository.load(id).orElse(job.view());
		this.book.remember(view);
		// the record, not the exit status, says how it ended: a worker that could not
		// even start exits 1 too
		if (view.status().isFinished() || exit == WorkerProperties.EXIT_HELD_ELSEWHERE) {
			return;
		}
		if (view.timeline().startedAt() == null && this.leases.acquire(id)) {
			TrainingJob unstarted = this.book.remember(this.repository.load(id).orElse(view));
			if (unstarted.status() == JobStatus.QUEUED && unstarted.view().timeline().startedAt() == null) {
				unstarted.finish(JobStatus.FAILED, "its worker process exited with status " + exit
						+ " before it started training; the service's log says why");
				this.repository.save(unstarted);
			}
			this.leases.release(id);
			return;
		}
		log.warn("The worker of training job {} exited with status {}; the job is taken up again", id, exit);
		if (!draining()) {
			adoptOrphans();
		}
	}

	@Override
	protected boolean handedOff(String id) {
		return this.handedOff.contains(id);
	}

	@Override
	protected boolean threadsOnlyWait() {
		return true;
	}

	@Override
	public Map<String, Integer> workerMetricsPorts() {
		return this.workers.metricsPorts();
	}

}
