package io.cnnservice.training.web;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import io.cnnservice.TestRequests;
import io.cnnservice.training.TrainingJobService;
import io.cnnservice.training.api.Progress;
import io.cnnservice.training.api.TrainingJobView;
import io.cnnservice.training.api.TrainingProperties;
import io.cnnservice.training.api.TrainingRequest;
import io.cnnservice.training.jobs.TrainingJob;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The push schedule on its own, with the jobs faked: a failure that only a broken job
 * record could cause, which the API cannot produce.
 */
class TrainingJobEventsScheduleTest {

	private static TrainingJobView running(String id, int batch) {
		TrainingRequest request = TestRequests.parse("""
				{"architecture": "lenet", "dataset": "mnist"}""").withDefaults(42);
		Progress progress = new Progress("training", 1, 1, batch, 938, batch / 9.38, 1000, 1, 1.0, 0.5, 0.5);
		TrainingJob job = new TrainingJob(id, request, Instant.now());
		job.start();
		job.progress(progress);
		return job.view();
	}

	@Test
	void oneStreamThatFailsDoesNotStopTheOthers() {
		TrainingJobService jobs = mock(TrainingJobService.class);
		AtomicInteger healthyReads = new AtomicInteger();
		when(jobs.get("healthy")).thenAnswer(call -> running("healthy", healthyReads.incrementAndGet()));
		AtomicInteger brokenReads = new AtomicInteger();
		when(jobs.get("broken")).thenAnswer(call -> {
			if (brokenReads.incrementAndGet() > 2) {
				throw new IllegalArgumentException("a job record that cannot be read");
			}
			return running("broken", brokenReads.get());
		});
		TrainingJobEvents events = new TrainingJobEvents(jobs, new TrainingProperties(1, 1, 1, Duration.ofMillis(50)));
		events.start();
		try {
			events.subscribe("broken");
			events.subscribe("healthy");
			// the broken job fails on its second push; the healthy one goes on being read
			verify(jobs, timeout(5000).atLeast(10)).get(eq("healthy"));
			assertThat(brokenReads.get()).isEqualTo(3);
			assertThat(events.open()).as("only the healthy stream is left").isEqualTo(1);
		}
		finally {
			events.stop();
		}
	}

}
