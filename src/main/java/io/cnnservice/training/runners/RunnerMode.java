package io.cnnservice.training.runners;

import io.cnnservice.Application;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

/** The way this process runs jobs, as its configuration says. */
public enum RunnerMode {

	/** In this process's threads ({@code cnn.training.isolation=thread}). */
	THREAD,
	/** Each in a worker process this one starts (the default). */
	PROCESS,
	/** Each as a Kubernetes Job ({@code cnn.training.runner=kubernetes}). */
	KUBERNETES,
	/** This process is a worker: it trains the one job it was started for. */
	WORKER;

	/** The mode the environment's profiles and {@code cnn.training.*} settings choose. */
	public static RunnerMode of(Environment environment) {
		if (environment.acceptsProfiles(Profiles.of(Application.WORKER_PROFILE))) {
			return WORKER;
		}
		Binder binder = Binder.get(environment);
		RunnerProperties.Runner runner = binder.bind("cnn.training.runner", RunnerProperties.Runner.class)
			.orElse(RunnerProperties.Runner.LOCAL);
		if (runner == RunnerProperties.Runner.KUBERNETES) {
			return KUBERNETES;
		}
		RunnerProperties.Isolation isolation = binder.bind("cnn.training.isolation", RunnerProperties.Isolation.class)
			.orElse(RunnerProperties.Isolation.PROCESS);
		return (isolation == RunnerProperties.Isolation.THREAD) ? THREAD : PROCESS;
	}

}
