package io.cnnservice.inference;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Serving settings ({@code cnn.inference.*}).
 *
 * @param maxFileSize largest accepted upload per file (larger: 413)
 * @param maxPixels largest accepted image, width x height, checked from the header before
 * decoding (larger: 413)
 * @param maxFiles most files in one classify request
 * @param poolSize predictors per loaded model, i.e. forward passes of one model that may
 * run at once
 * @param acquireTimeout how long a request waits for a free predictor before 503
 * @param cacheSize loaded models kept in memory; the least recently used one is closed
 * @param retryAfterSeconds {@code Retry-After} sent with a 503
 * @param maxBatch most images one open inference request may carry (larger: 413); with
 * test-time views a forward pass also runs at most this many views at once
 * @param maxJsonSize largest JSON request body (larger: 413)
 * @param maxRequestPixels most pixels, summed over its files, one classify request may
 * have decoded (larger: 413)
 * @param maxConcurrentDecodes images decoded at once across all requests; the rest wait
 * up to {@code acquireTimeout}, then get 503
 */
@Validated
@ConfigurationProperties("cnn.inference")
public record InferenceProperties(@DefaultValue("10MB") DataSize maxFileSize,
		@DefaultValue("40000000") @Min(1) long maxPixels, @DefaultValue("64") @Min(1) @Max(4096) int maxFiles,
		@DefaultValue("2") @Min(1) @Max(256) int poolSize, @DefaultValue("2s") Duration acquireTimeout,
		@DefaultValue("8") @Min(1) @Max(1000) int cacheSize, @DefaultValue("1") @Min(1) int retryAfterSeconds,
		@DefaultValue("64") @Min(1) @Max(4096) int maxBatch, @DefaultValue("8MB") DataSize maxJsonSize,
		@DefaultValue("200000000") @Min(1) long maxRequestPixels,
		@DefaultValue("4") @Min(1) @Max(256) int maxConcurrentDecodes) {
}
