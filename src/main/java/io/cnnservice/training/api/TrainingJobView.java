package io.cnnservice.training.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * A training job as clients see it and as it is persisted. Its JSON is flat; the outcome
 * and the timeline are groups in Java only.
 *
 * @param id job id
 * @param status life-cycle status
 * @param request the request with defaults filled in
 * @param progress where it is now
 * @param history one entry per finished epoch
 * @param outcome the model it registers, and why it failed
 * @param timeline when it was submitted, started and ended
 * @param recovery restarts, where it resumed, its newest checkpoint
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingJobView(String id, JobStatus status, TrainingRequest request, Progress progress,
		List<EpochResult> history, @JsonUnwrapped Outcome outcome, @JsonUnwrapped Timeline timeline,
		Recovery recovery) {

	/** What a job id looks like: nothing a path could be made of. */
	public static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[a-z0-9]{1,64}");

	public TrainingJobView {
		outcome = (outcome != null) ? outcome : new Outcome(null, null, null);
		timeline = (timeline != null) ? timeline : new Timeline(null, null, null);
	}

	/** Why the job failed, or the note of a queued or stopped one. */
	public String error() {
		return this.outcome.error();
	}

	/**
	 * The model a job registers, and its message.
	 *
	 * @param modelName model it registers (or registered)
	 * @param modelVersion version it registered, once succeeded
	 * @param error why it failed, or why a queued job waits
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Outcome(String modelName, Integer modelVersion, String error) {
	}

	/**
	 * When a job moved.
	 *
	 * @param createdAt when it was submitted
	 * @param startedAt when it started running
	 * @param finishedAt when it ended
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Timeline(Instant createdAt, Instant startedAt, Instant finishedAt) {

		/** A job submitted now, or at this time. */
		public static Timeline submittedAt(Instant createdAt) {
			return new Timeline(createdAt, null, null);
		}

		public Timeline startedAt(Instant at) {
			return new Timeline(this.createdAt, at, this.finishedAt);
		}

		public Timeline finishedAt(Instant at) {
			return new Timeline(this.createdAt, this.startedAt, at);
		}

	}

}
