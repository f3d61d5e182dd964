package io.cnnservice.training;

import io.cnnservice.TestRequests;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import io.cnnservice.models.ModelStoreProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class JobRecoveryTest {

	@Test
	void aJobThatWasRunningWhenTheProcessDiedIsFailedWithAReasonAfterRestart(@TempDir Path store) throws Exception {
		JsonMapper json = JsonMapper.builder().findAndAddModules().build();
		JobRepository repository = new JobRepository(new ModelStoreProperties(store), json);
		TrainingRequest request = TestRequests.parse("""
				{"architecture": "lenet", "dataset": "mnist"}""").withDefaults(1);
		TrainingJob running = new TrainingJob("deadbeef0001", request, Instant.now());
		running.start();
		repository.save(running.view());
		TrainingJob done = new TrainingJob("deadbeef0002", request, Instant.now());
		done.start();
		done.succeed(3);
		repository.save(done.view());

		TrainingJobService restarted = new TrainingJobService(
				new TrainingProperties(1, 1, 1, java.time.Duration.ofSeconds(1)), null, null, null, repository);
		try {
			TrainingJobView recovered = restarted.get("deadbeef0001");
			assertThat(recovered.status()).isEqualTo(JobStatus.FAILED);
			assertThat(recovered.error()).contains("service stopped while this job was running");
			assertThat(recovered.finishedAt()).isNotNull();
			assertThat(restarted.get("deadbeef0002").status()).isEqualTo(JobStatus.SUCCEEDED);
			assertThat(restarted.get("deadbeef0002").modelVersion()).isEqualTo(3);
			// and it is persisted that way
			assertThat(repository.loadAll()).filteredOn(v -> v.id().equals("deadbeef0001"))
				.extracting(TrainingJobView::status)
				.isEqualTo(List.of(JobStatus.FAILED));
		}
		finally {
			restarted.shutdown();
		}
	}

}
