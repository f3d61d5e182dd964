package io.cnnservice.training.web;

import java.net.URI;
import java.util.List;

import io.cnnservice.training.TrainingJobService;
import io.cnnservice.training.api.TrainingJobView;
import io.cnnservice.training.api.TrainingRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

@RestController
@RequestMapping("/api/v1/training-jobs")
@Tag(name = "training", description = "Background training jobs: start, watch, cancel, resume")
class TrainingJobController {

	private static final String PROBLEM = "application/problem+json";

	private final TrainingJobService service;

	private final TrainingJobEvents events;

	TrainingJobController(TrainingJobService service, TrainingJobEvents events) {
		this.service = service;
		this.events = events;
	}

	@PostMapping
	@Operation(summary = "Start a training job",
			description = "Queues the job and answers at once; read the Location, or watch its events, for progress.")
	@ApiResponse(responseCode = "202", description = "Accepted; Location names the job")
	@ApiResponse(responseCode = "400",
			description = "Malformed JSON, a value out of range, or an unknown architecture or dataset",
			content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class),
					examples = @ExampleObject("""
							{"type": "https://cnn-service.dev/problems/invalid-request", "title": "Invalid request",
							 "status": 400, "detail": "batchSize: must be less than or equal to 4096",
							 "instance": "/api/v1/training-jobs",
							 "errors": [{"field": "batchSize", "message": "must be less than or equal to 4096"}]}""")))
	@ApiResponse(responseCode = "422", description = "The dataset exists but cannot be read or downloaded",
			content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "503",
			description = "The queue is full, as many cluster Jobs as allowed exist, or the cluster cannot take Jobs now; see Retry-After",
			content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
	ResponseEntity<TrainingJobView> submit(@Valid @RequestBody TrainingRequest request) {
		TrainingJobView job = this.service.submit(request);
		URI location = ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}").buildAndExpand(job.id()).toUri();
		return ResponseEntity.accepted().location(location).body(job);
	}

	@GetMapping
	@Operation(summary = "Every job, newest first")
	List<TrainingJobView> list() {
		return this.service.list();
	}

	@GetMapping("/{id}")
	@Operation(summary = "One job: status, progress, per-epoch history, resulting model")
	@ApiResponse(responseCode = "200", description = "The job")
	@ApiResponse(responseCode = "404", description = "No such job",
			content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
	TrainingJobView get(@PathVariable String id) {
		return this.service.get(id);
	}

	@GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@Operation(summary = "Watch one job as server-sent events", description = """
			A `job` event with the whole job, then `progress` events (by default at most one \
			a second, only when something moved), an `epoch` event per finished epoch, and a \
			`finished` event with the whole job, after which the stream ends. Watching costs \
			the training less than polling the job; browsers can read it with `EventSource`, \
			scripts with `curl -N`.""")
	// the stream's own type would document the emitter object, not what the client reads
	@ApiResponse(responseCode = "200", description = "The stream; each event's data is one line of JSON",
			content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(type = "string"),
					examples = @ExampleObject("""
							event:job
							data:{"id":"5b1bde6d9e93","status":"RUNNING", ...}

							event:progress
							data:{"phase":"training","epoch":1,"epochs":1,"batch":112,"batches":938, ...}

							event:epoch
							data:{"epoch":1,"trainLoss":0.17,"testAccuracy":0.9877, ...}

							event:finished
							data:{"id":"5b1bde6d9e93","status":"SUCCEEDED", ...}
							""")))
	@ApiResponse(responseCode = "404", description = "No such job",
			content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
	SseEmitter events(@PathVariable String id) {
		return this.events.subscribe(id);
	}

	@PostMapping("/{id}/cancel")
	@Operation(summary = "Cancel a job: at once when queued, at the next batch boundary when running")
	@ApiResponse(responseCode = "202", description = "Cancellation requested")
	@ApiResponse(responseCode = "404", description = "No such job",
			content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "409", description = "The job has already finished",
			content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
	ResponseEntity<TrainingJobView> cancel(@PathVariable String id) {
		return ResponseEntity.accepted().body(this.service.cancel(id));
	}

	@PostMapping("/{id}/resume")
	@Operation(summary = "Continue a failed or cancelled job from its newest checkpoint",
			description = "Queues the job again; it goes on from the epoch and batch of its checkpoint, "
					+ "with the same data order, augmentation and optimizer state.")
	@ApiResponse(responseCode = "202", description = "Queued again")
	@ApiResponse(responseCode = "404", description = "No such job",
			content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "409", description = "The job succeeded, has not ended, or has no checkpoint",
			content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "503", description = "The queue is full or the service is shutting down",
			content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
	ResponseEntity<TrainingJobView> resume(@PathVariable String id) {
		return ResponseEntity.accepted().body(this.service.resume(id));
	}

}
