package io.cnnservice.training.durable;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How jobs survive crashes and restarts ({@code cnn.training.*}).
 *
 * @param checkpointInterval a checkpoint is written mid-epoch whenever this has passed
 * since the last one, besides the one at the end of every epoch; 0 turns mid-epoch
 * checkpoints off
 * @param keepCheckpoints keep a job's checkpoints after it succeeds
 * @param maxRestarts resumes in a row without finishing an epoch before a job fails
 * @param leaseTimeout how long a job stays owned by a process that stopped renewing its
 * lease; another process sharing the store may take it over after that
 * @param drainTimeout how long a shutdown waits for the running job to checkpoint
 */
@Validated
@ConfigurationProperties("cnn.training")
public record DurabilityProperties(
		@DefaultValue("2m") @DurationMin(millis = 0) @DurationMax(days = 1) Duration checkpointInterval,
		@DefaultValue("false") boolean keepCheckpoints, @DefaultValue("3") @Min(0) @Max(100) int maxRestarts,
		@DefaultValue("30s") @DurationMin(seconds = 1) @DurationMax(hours = 1) Duration leaseTimeout,
		@DefaultValue("45s") @DurationMin(seconds = 1) @DurationMax(minutes = 30) Duration drainTimeout) {

	/** How often a process renews its leases: well within their timeout. */
	public Duration heartbeat() {
		return this.leaseTimeout.dividedBy(3);
	}

}
