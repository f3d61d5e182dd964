package io.cnnservice.training.runners;

import io.cnnservice.training.api.TrainingProperties;
import io.cnnservice.training.durable.JobBook;
import io.cnnservice.training.durable.JobLeases;
import io.cnnservice.training.jobs.JobRepository;
import io.cnnservice.training.jobs.TrainingJob;

import org.springframework.stereotype.Component;

/**
 * The local runner with {@code cnn.training.isolation=thread}: jobs train in this
 * process's threads, sharing its cores with serving. Quick to start, which the tests use.
 */
@Component
@ConditionalOnRunner(RunnerMode.THREAD)
class ThreadRunner extends LocalRunner {

	private final JobExecution execution;

	ThreadRunner(JobBook book, JobRepository repository, JobLeases leases, TrainingProperties properties,
			JobExecution execution) {
		super(book, repository, leases, properties);
		this.execution = execution;
	}

	@Override
	protected void run(TrainingJob job) {
		this.execution.trainHere(job);
	}

}
