package io.cnnservice;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Entry point of cnn-service: trains small vision models with DJL and serves them. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class Application {

	/** The profile of a worker process, which trains one job and serves no API. */
	public static final String WORKER_PROFILE = "worker";

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(Application.class);
		boolean worker = isWorker(args);
		if (worker) {
			// no web server, and only the beans training needs: a worker starts fast
			application.setWebApplicationType(WebApplicationType.NONE);
			application.setLazyInitialization(true);
			application.setAdditionalProfiles(WORKER_PROFILE);
		}
		ConfigurableApplicationContext context = application.run(args);
		if (worker) {
			System.exit(SpringApplication.exit(context));
		}
	}

	/** A job id on the command line or in the environment makes this process a worker. */
	static boolean isWorker(String[] args) {
		return Arrays.stream(args).anyMatch(a -> a.startsWith("--cnn.worker.job-id="))
				|| System.getenv("CNN_WORKER_JOB_ID") != null;
	}

}
