package io.cnnservice.config;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;

/**
 * Binds folder properties as plain file-system paths. Spring's default goes through a
 * resource URL and rejects relative paths such as {@code ../shared/datasets}.
 */
@Configuration(proxyBeanMethods = false)
class PathBinding {

	@Bean
	@ConfigurationPropertiesBinding
	static Converter<String, Path> stringToPath() {
		return source -> Path.of(source).toAbsolutePath().normalize();
	}

}
