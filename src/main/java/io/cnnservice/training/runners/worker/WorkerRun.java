package io.cnnservice.training.runners.worker;

import io.cnnservice.Application;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * A worker process's one task: train the job it was started for. Its exit status says how
 * the job ended (see {@link WorkerProperties}), which a Kubernetes Job's
 * {@code backoffLimit} and the local runner act on.
 */
@Component
@Profile(Application.WORKER_PROFILE)
@Lazy(false)
class WorkerRun implements ApplicationRunner, ExitCodeGenerator {

	private final WorkerMode worker;

	private final WorkerProperties properties;

	private volatile int exitCode = WorkerProperties.EXIT_INTERRUPTED;

	WorkerRun(WorkerMode worker, WorkerProperties properties) {
		this.worker = worker;
		this.properties = properties;
	}

	@Override
	public void run(ApplicationArguments args) throws InterruptedException {
		if (!this.properties.isWorker()) {
			throw new IllegalStateException("a worker needs cnn.worker.job-id");
		}
		this.exitCode = this.worker.work(this.properties.jobId());
	}

	@Override
	public int getExitCode() {
		return this.exitCode;
	}

}
