package io.cnnservice.models;

import java.nio.file.Path;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where trained models (and training job records) are kept ({@code cnn.model-store.*}).
 *
 * @param root folder holding {@code <model>/<version>/} and {@code .jobs/}
 */
@Validated
@ConfigurationProperties("cnn.model-store")
public record ModelStoreProperties(@DefaultValue("./model-store") @NotNull Path root) {

	public ModelStoreProperties {
		root = root.toAbsolutePath().normalize();
	}

}
