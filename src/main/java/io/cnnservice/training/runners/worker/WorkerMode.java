package io.cnnservice.training.runners.worker;

import java.util.Optional;

import io.cnnservice.training.api.TrainingJobView;
import io.cnnservice.training.api.TrainingProperties;
import io.cnnservice.training.durable.DurabilityProperties;
import io.cnnservice.training.durable.JobBook;
import io.cnnservice.training.durable.JobLeases;
import io.cnnservice.training.jobs.JobRepository;
import io.cnnservice.training.jobs.TrainingJob;
import io.cnnservice.training.runners.ConditionalOnRunner;
import io.cnnservice.training.runners.JobExecution;
import io.cnnservice.training.runners.LocalRunner;
import io.cnnservice.training.runners.RunnerMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * A worker process's side: it trains the one job it was started for, here, and adopts
 * nothing else. A shutdown checkpoints the job and leaves it queued, as any process's
 * does.
 */
@Component
@ConditionalOnRunner(RunnerMode.WORKER)
class WorkerMode extends LocalRunner {

	private static final Logger log = LoggerFactory.getLogger(WorkerMode.class);

	private final JobExecution execution;

	private final DurabilityProperties durability;

	WorkerMode(JobBook book, JobRepository repository, JobLeases leases, TrainingProperties properties,
			JobExecution execution, DurabilityProperties durability) {
		super(book, repository, leases, properties);
		this.execution = execution;
		this.durability = durability;
	}

	@Override
	protected void run(TrainingJob job) {
		this.execution.trainHere(job);
	}

	/** A worker trains its one job; the process that started it adopts orphans. */
	@Override
	public void adoptOrphans() {
	}

	/**
	 * Takes the job's lease (waiting out a dead owner's), trains the job here and reports
	 * how it ended.
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
		TrainingJob job = this.book.takeUp(view.get());
		if (job != null) {
			runNow(job);
		}
		return switch (this.book.listed(id).orElseThrow().status()) {
			case SUCCEEDED, CANCELLED -> WorkerProperties.EXIT_DONE;
			case FAILED -> WorkerProperties.EXIT_FAILED;
			default -> WorkerProperties.EXIT_INTERRUPTED;
		};
	}

}
