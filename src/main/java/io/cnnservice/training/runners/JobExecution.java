package io.cnnservice.training.runners;

import io.cnnservice.training.api.JobStatus;
import io.cnnservice.training.durable.JobBook;
import io.cnnservice.training.durable.JobLeases;
import io.cnnservice.training.jobs.TrainingJob;
import io.cnnservice.training.loop.StopCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Trains a job in this process, under its lease, and records how it ended: succeeded,
 * cancelled, stopped to resume later, or failed. The lease is given up at the end.
 */
@Component
public class JobExecution {

	private static final Logger log = LoggerFactory.getLogger(JobExecution.class);

	private final JobTrainer trainer;

	private final JobBook book;

	private final JobLeases leases;

	JobExecution(JobTrainer trainer, JobBook book, JobLeases leases) {
		this.trainer = trainer;
		this.book = book;
		this.leases = leases;
	}

	/** Trains the queued job here; returns once it has ended or stopped. */
	public void trainHere(TrainingJob job) {
		if (!job.start()) {
			this.leases.release(job.id());
			return;
		}
		this.book.save(job);
		log.info("Training job {} started: {}", job.id(), job.request());
		try {
			int version = this.trainer.run(job, this.book::save);
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
			this.book.save(job);
			this.leases.release(job.id());
		}
	}

}
