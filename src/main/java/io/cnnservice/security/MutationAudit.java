package io.cnnservice.security;

import java.io.IOException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * One audit line and one count per request that changes something (see
 * {@link AccessRules#audited}): who (the key's name), what (method and path) and how it
 * ended (the status), allowed or refused.
 */
final class MutationAudit extends OncePerRequestFilter {

	private static final Logger audit = LoggerFactory.getLogger("io.cnnservice.audit");

	private final MeterRegistry registry;

	private final AccessRules rules;

	MutationAudit(MeterRegistry registry, AccessRules rules) {
		this.registry = registry;
		this.rules = rules;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!this.rules.audited(request)) {
			chain.doFilter(request, response);
			return;
		}
		try {
			chain.doFilter(request, response);
		}
		finally {
			Authentication caller = SecurityContextHolder.getContext().getAuthentication();
			String key = (caller != null) ? caller.getName() : "none";
			int status = response.getStatus();
			audit.info("key={} method={} path={} status={} remote={}", key, request.getMethod(),
					request.getRequestURI(), status, request.getRemoteAddr());
			Counter.builder("cnn.api.mutations")
				.description("Requests that change something (POST, DELETE...), by key name, method and status")
				.tag("key", key)
				.tag("method", request.getMethod())
				.tag("outcome", Integer.toString(status))
				.register(this.registry)
				.increment();
		}
	}

}
