package io.cnnservice.datasets;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where datasets live and whether missing standard ones may be downloaded
 * ({@code cnn.datasets.*}).
 *
 * @param root folder holding one sub-folder per dataset
 * @param download fetch a missing MNIST, Fashion-MNIST or CIFAR-10 from its mirrors (each
 * file checked against its published checksum)
 * @param downloadTimeout connect timeout, and the longest wait for more data
 * @param mirrors base URLs per dataset, tried in order, in place of the official ones;
 * each must serve the standard file names
 */
@Validated
@ConfigurationProperties("cnn.datasets")
public record DatasetProperties(@DefaultValue("./data") @NotNull Path root, @DefaultValue("true") boolean download,
		@DefaultValue("60s") Duration downloadTimeout, Map<String, List<String>> mirrors) {

	public DatasetProperties {
		root = root.toAbsolutePath().normalize();
		mirrors = (mirrors != null) ? Map.copyOf(mirrors) : Map.of();
	}

}
