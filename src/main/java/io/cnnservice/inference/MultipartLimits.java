package io.cnnservice.inference;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Lets Tomcat parse as many multipart parts as a classify request may carry. Tomcat's own
 * limit (50 parts) is below {@code cnn.inference.max-files} (64), and a request over it
 * failed with a 413 saying the upload was too large. One part more than the file limit is
 * parsed, so the service's own check answers with the limit's name; with more, Tomcat
 * stops parsing at the part over its limit and the request gets a 413 naming the file
 * limit (see {@code ProblemHandler}).
 */
@Configuration(proxyBeanMethods = false)
class MultipartLimits {

	@Bean
	WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> multipartPartCount(InferenceProperties properties) {
		// runs after Boot's own Tomcat customizer (default order), so this value wins
		// over server.tomcat.max-part-count
		return factory -> factory
			.addConnectorCustomizers(connector -> connector.setMaxPartCount(properties.maxFiles() + 1));
	}

}
