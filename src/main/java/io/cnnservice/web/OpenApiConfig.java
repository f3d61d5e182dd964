package io.cnnservice.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document's title and description; springdoc derives the rest from the
 * controllers.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

	@Bean
	OpenAPI cnnServiceOpenApi() {
		return new OpenAPI().info(new Info().title("cnn-service")
			.version("v1")
			.description("Train MLP, LeNet, VGG and ResNet on MNIST, Fashion-MNIST, CIFAR-10 or your own image "
					+ "folders with one HTTP call, watch them learn, and keep every model versioned. Errors are "
					+ "RFC 9457 application/problem+json.")
			.license(new License().name("Apache-2.0")));
	}

}
