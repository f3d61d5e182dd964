package io.cnnservice.training;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A training job as clients see it and as it is persisted.
 *
 * @param id job id
 * @param status life-cycle status
 * @param request the request with defaults filled in
 * @param progress where it is now
 * @param history one entry per finished epoch
 * @param modelName model it registers (or registered)
 * @param modelVersion version it registered, once succeeded
 * @param error why it failed
 * @param createdAt when it was submitted
 * @param startedAt when it started running
 * @param finishedAt when it ended
 * @param recovery restarts, where it resumed, its newest checkpoint
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingJobView(String id, JobStatus status, TrainingRequest request, Progress progress,
		List<EpochResult> history, String modelName, Integer modelVersion, String error, Instant createdAt,
		Instant startedAt, Instant finishedAt, Recovery recovery) {

	/** What a job id looks like: nothing a path could be made of. */
	static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[a-z0-9]{1,64}");

}
