package io.cnnservice.web;

import io.cnnservice.inference.InferenceProperties;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Everything this service changes in Tomcat, in one place. It runs after Boot's own
 * customizers, so its values win over {@code server.tomcat.*}.
 * <ul>
 * <li>{@link ProblemReportValve} replaces every error report valve of the host, so
 * nothing Tomcat refuses answers in HTML.</li>
 * <li>Multipart requests may carry as many parts as a classify request may have files.
 * Tomcat's own limit (50) is below {@code cnn.inference.max-files} (64), and a request
 * over it failed with a 413 saying the upload was too large. One part more than the file
 * limit is parsed, so the service's own check answers with the limit's name; with more,
 * Tomcat stops at the part over its limit and the request gets a 413 naming the file
 * limit.</li>
 * </ul>
 */
@Component
class TomcatSettings implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

	private final InferenceProperties inference;

	TomcatSettings(InferenceProperties inference) {
		this.inference = inference;
	}

	@Override
	public void customize(TomcatServletWebServerFactory factory) {
		factory.addContextCustomizers(context -> {
			if (context.getParent() instanceof StandardHost host) {
				host.setErrorReportValveClass(ProblemReportValve.class.getName());
				for (Valve valve : host.getPipeline().getValves()) {
					if (valve instanceof ErrorReportValve && !(valve instanceof ProblemReportValve)) {
						host.getPipeline().removeValve(valve);
					}
				}
				host.getPipeline().addValve(new ProblemReportValve());
			}
		});
		factory.addConnectorCustomizers(connector -> connector.setMaxPartCount(this.inference.maxFiles() + 1));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
