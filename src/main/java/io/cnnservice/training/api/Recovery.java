package io.cnnservice.training.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How a job has survived interruptions.
 *
 * @param restarts times it was queued again after it had started: after a crash or a
 * shutdown, or by a resume request
 * @param resumesWithoutProgress restarts since it last finished an epoch; past
 * {@code cnn.training.max-restarts} the job fails
 * @param resumedFrom where the latest restart continued training
 * @param checkpoint the newest checkpoint written
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Recovery(int restarts, int resumesWithoutProgress, Position resumedFrom, Position checkpoint) {

	public static final Recovery NONE = new Recovery(0, 0, null, null);

	/**
	 * A place in a job's training.
	 *
	 * @param epoch the epoch, from 1
	 * @param batch batches done in it
	 * @param at when training was there
	 */
	public record Position(int epoch, int batch, Instant at) {
	}

	public Recovery restarted() {
		return new Recovery(this.restarts + 1, this.resumesWithoutProgress + 1, this.resumedFrom, this.checkpoint);
	}

	public Recovery resumedByRequest() {
		return new Recovery(this.restarts + 1, 0, this.resumedFrom, this.checkpoint);
	}

	public Recovery resumedFrom(Position position) {
		return new Recovery(this.restarts, this.resumesWithoutProgress, position, this.checkpoint);
	}

	public Recovery checkpointed(Position position) {
		return new Recovery(this.restarts, this.resumesWithoutProgress, this.resumedFrom, position);
	}

	public Recovery epochFinished() {
		return new Recovery(this.restarts, 0, this.resumedFrom, this.checkpoint);
	}

}
