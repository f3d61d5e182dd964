package io.cnnservice.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document's title and description; springdoc derives the rest from the
 * controllers.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

	private static final String BEARER = "bearer";

	private static final String API_KEY = "apiKey";

	@Bean
	OpenAPI cnnServiceOpenApi() {
		return new OpenAPI()
			.info(new Info().title("cnn-service")
				.version("v1")
				.description("Train MLP, LeNet, VGG and ResNet on MNIST, Fashion-MNIST, CIFAR-10 or your own image "
						+ "folders with one HTTP call, watch them learn, and keep every model versioned. Errors are "
						+ "RFC 9457 application/problem+json.")
				.license(new License().name("Apache-2.0")))
			.components(new Components()
				.addSecuritySchemes(BEARER,
						new SecurityScheme().type(SecurityScheme.Type.HTTP)
							.scheme("bearer")
							.description("An API key as 'Authorization: Bearer <key>'"))
				.addSecuritySchemes(API_KEY,
						new SecurityScheme().type(SecurityScheme.Type.APIKEY)
							.in(SecurityScheme.In.HEADER)
							.name("X-API-Key")
							.description("An API key as 'X-API-Key: <key>'")))
			// either scheme will do; the Authorize button then sends the key with every
			// call
			.addSecurityItem(new SecurityRequirement().addList(BEARER))
			.addSecurityItem(new SecurityRequirement().addList(API_KEY));
	}

}
