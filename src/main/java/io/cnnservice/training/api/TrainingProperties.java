package io.cnnservice.training.api;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How training jobs are run ({@code cnn.training.*}).
 *
 * @param concurrency jobs running at once (they share the CPU cores, so 1 is usually
 * fastest)
 * @param queueCapacity jobs waiting beyond those; more are refused with 503
 * @param retryAfterSeconds what a refused client is told to wait
 * @param eventInterval how often a job's event stream may carry a progress event
 */
@Validated
@ConfigurationProperties("cnn.training")
public record TrainingProperties(@DefaultValue("1") @Min(1) @Max(64) int concurrency,
		@DefaultValue("16") @Min(0) @Max(10_000) int queueCapacity, @DefaultValue("30") @Min(1) int retryAfterSeconds,
		@DefaultValue("1s") @DurationMin(millis = 50) @DurationMax(minutes = 10) Duration eventInterval) {
}
