package io.cnnservice.architectures;

import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How large a network a request may ask for ({@code cnn.architectures.*}); the defaults
 * fit the 6 GiB pods of the shipped manifests.
 *
 * @param maxParameters most parameters of one network, for training and for the layer
 * table
 * @param maxTrainingMemory most estimated memory of one training job: 16 bytes per
 * parameter and 4 per activation value of a batch; a worker needs about 1 GB more (JVM,
 * engine, dataset), so the default keeps a job within a 4 GiB pod
 */
@Validated
@ConfigurationProperties("cnn.architectures")
public record ArchitectureLimits(@DefaultValue("50000000") @Min(1) long maxParameters,
		@DefaultValue("2560MB") DataSize maxTrainingMemory) {
}
