package io.cnnservice.training.web;

import java.time.Instant;

import io.cnnservice.TestRequests;
import io.cnnservice.inference.InferenceProperties;
import io.cnnservice.training.TrainingJobService;
import io.cnnservice.training.api.InvalidTrainingRequestException;
import io.cnnservice.training.api.TrainingJobNotFoundException;
import io.cnnservice.training.api.TrainingJobView;
import io.cnnservice.training.api.TrainingQueueFullException;
import io.cnnservice.training.api.TrainingRequest;
import io.cnnservice.training.jobs.TrainingJob;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verifyNoInteractions;

/** The HTTP contract of the training API: status codes, Location, problem details. */
@WebMvcTest(TrainingJobController.class)
// access control has its own tests (security package); these are about the controller
@AutoConfigureMockMvc(addFilters = false)
class TrainingJobControllerTest {

	/**
	 * The JSON body limit filter, which the slice includes, reads the serving settings.
	 */
	@TestConfiguration
	@EnableConfigurationProperties(InferenceProperties.class)
	static class Settings {

	}

	@Autowired
	MockMvcTester mvc;

	@MockitoBean
	TrainingJobService service;

	/** The event stream is tested through a real server in TrainingJobEventsTest. */
	@MockitoBean
	TrainingJobEvents events;

	private static TrainingJobView queued(String id) {
		TrainingRequest request = TestRequests.parse("""
				{"architecture": "lenet", "dataset": "mnist"}""").withDefaults(42);
		return new TrainingJob(id, request, Instant.now()).view();
	}

	private MockMvcTester.MockMvcRequestBuilder post(String body) {
		return this.mvc.post().uri("/api/v1/training-jobs").contentType("application/json").content(body);
	}

	@Test
	void acceptsAJobWith202AndItsLocation() {
		given(this.service.submit(any())).willReturn(queued("abc123"));

		assertThat(post("{\"architecture\": \"lenet\", \"dataset\": \"mnist\"}")).hasStatus(HttpStatus.ACCEPTED)
			.hasHeader("Location", "http://localhost/api/v1/training-jobs/abc123")
			.bodyJson()
			.extractingPath("$.request.seed")
			.isEqualTo(42);
	}

	@Test
	void rejectsBatchSizeOfZeroWithProblemDetail() {
		assertThat(post("{\"architecture\": \"lenet\", \"dataset\": \"mnist\", \"batchSize\": 0}"))
			.hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType("application/problem+json")
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("batchSize");
		verifyNoInteractions(this.service);
	}

	@Test
	void rejectsOutOfRangeEpochsLearningRateAndBadModelNames() {
		var result = post("""
				{"architecture": "lenet", "dataset": "mnist", "epochs": 1001, "learningRate": 0,
				 "modelName": "../escape"}""");
		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST).hasContentType("application/problem+json");
		assertThat(result).bodyJson()
			.extractingPath("$.errors[*].field")
			.asArray()
			.containsExactlyInAnyOrder("epochs", "learningRate", "modelName");
	}

	@Test
	void rejectsAResnet9WidthAndLabelSmoothingOutOfRange() {
		var result = post("""
				{"architecture": "resnet9", "dataset": "cifar10", "width": 2, "labelSmoothing": 0.7}""");
		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST).hasContentType("application/problem+json");
		assertThat(result).bodyJson()
			.extractingPath("$.errors[*].field")
			.asArray()
			.containsExactlyInAnyOrder("width", "labelSmoothing");
		verifyNoInteractions(this.service);
	}

	@Test
	void rejectsMalformedJson() {
		assertThat(post("{\"architecture\": ")).hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType("application/problem+json")
			.bodyJson()
			.extractingPath("$.detail")
			.asString()
			.startsWith("Malformed JSON");
	}

	@Test
	void aWrongContentTypeIs415WithOurProblemType() {
		assertThat(this.mvc.post().uri("/api/v1/training-jobs").contentType("text/plain").content("lenet"))
			.hasStatus(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
			.hasContentType("application/problem+json")
			.bodyJson()
			.extractingPath("$.type")
			.isEqualTo("urn:cnn-service:problem:http-415");
	}

	@Test
	void namesAnUnknownOptimizerOrAugmentation() {
		assertThat(post("{\"architecture\": \"lenet\", \"dataset\": \"mnist\", \"augment\": \"mixup\"}"))
			.hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("augment");
	}

	@Test
	void namesAMisspeltField() {
		assertThat(post("{\"architecture\": \"lenet\", \"dataset\": \"mnist\", \"epoch\": 3}"))
			.hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.detail")
			.isEqualTo("Unknown field 'epoch'");
	}

	@Test
	void passesOnUnknownArchitectureAsAFieldError() {
		given(this.service.submit(any()))
			.willThrow(InvalidTrainingRequestException.badField("architecture", "Unknown architecture 'x'"));

		assertThat(post("{\"architecture\": \"x\", \"dataset\": \"mnist\"}")).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("architecture");
	}

	@Test
	void aFullQueueIs503WithRetryAfter() {
		given(this.service.submit(any())).willThrow(TrainingQueueFullException.withCapacity(1, 16, 30));

		assertThat(post("{\"architecture\": \"lenet\", \"dataset\": \"mnist\"}"))
			.hasStatus(HttpStatus.SERVICE_UNAVAILABLE)
			.hasHeader("Retry-After", "30")
			.hasContentType("application/problem+json");
	}

	@Test
	void anUnknownJobIs404() {
		given(this.service.get("nope")).willThrow(TrainingJobNotFoundException.forId("nope"));

		assertThat(this.mvc.get().uri("/api/v1/training-jobs/nope")).hasStatus(HttpStatus.NOT_FOUND)
			.hasContentType("application/problem+json")
			.bodyJson()
			.extractingPath("$.detail")
			.isEqualTo("No training job with id 'nope'");
	}

}
