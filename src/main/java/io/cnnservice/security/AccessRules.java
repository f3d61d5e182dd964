package io.cnnservice.security;

import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Which role each request needs: the one table of the API's access rules, used to decide
 * and to say in a 403 what was missing.
 */
@Component
class AccessRules {

	/** What a request needs. */
	sealed interface Need permits Open, AnyRole, Needs {

	}

	/** Anyone: probes, documentation, the console. */
	record Open() implements Need {
	}

	/** Some role, whichever: a method or path the API does not have, answered 404/405. */
	record AnyRole() implements Need {
	}

	/** One role. */
	record Needs(Role role) implements Need {
	}

	private record Rule(HttpMethod method, PathPattern pattern, Need need) {

		boolean matches(HttpMethod m, PathContainer path) {
			return (this.method == null || this.method.equals(m)) && this.pattern.matches(path);
		}

	}

	private static final Need OPEN = new Open();

	private static final String NEED = AccessRules.class.getName() + ".need";

	private final List<Rule> rules;

	AccessRules(SecurityProperties properties) {
		Need metrics = properties.protectMetrics() ? new Needs(Role.READ) : OPEN;
		this.rules = List.of(rule(null, "/actuator/health", OPEN), rule(null, "/actuator/health/liveness", OPEN),
				rule(null, "/actuator/health/readiness", OPEN), rule(null, "/v2/health/{*rest}", OPEN),
				rule(null, "/actuator/prometheus", metrics),
				rule(HttpMethod.GET, "/api/v1/training-workers/prometheus-targets", metrics),
				rule(null, "/actuator/{*rest}", new Needs(Role.ADMIN)),
				rule(HttpMethod.POST, "/api/v1/models/{name}/classify", new Needs(Role.INFER)),
				rule(HttpMethod.POST, "/v2/models/{name}/infer", new Needs(Role.INFER)),
				rule(HttpMethod.POST, "/v2/models/{name}/versions/{version}/infer", new Needs(Role.INFER)),
				rule(HttpMethod.POST, "/api/v1/training-jobs", new Needs(Role.TRAIN)),
				rule(HttpMethod.POST, "/api/v1/training-jobs/{id}/cancel", new Needs(Role.TRAIN)),
				rule(HttpMethod.POST, "/api/v1/training-jobs/{id}/resume", new Needs(Role.TRAIN)),
				rule(HttpMethod.POST, "/api/v1/datasets/{name}/download", new Needs(Role.TRAIN)),
				rule(HttpMethod.DELETE, "/api/v1/models/{*rest}", new Needs(Role.ADMIN)),
				rule(HttpMethod.GET, "/api/{*rest}", new Needs(Role.READ)),
				rule(HttpMethod.HEAD, "/api/{*rest}", new Needs(Role.READ)),
				rule(HttpMethod.GET, "/v2", new Needs(Role.READ)),
				rule(HttpMethod.GET, "/v2/{*rest}", new Needs(Role.READ)),
				rule(HttpMethod.HEAD, "/v2/{*rest}", new Needs(Role.READ)), rule(null, "/api/{*rest}", new AnyRole()),
				rule(null, "/v2/{*rest}", new AnyRole()), rule(HttpMethod.GET, "/{*rest}", OPEN),
				rule(HttpMethod.HEAD, "/{*rest}", OPEN), rule(HttpMethod.OPTIONS, "/{*rest}", OPEN));
	}

	private static Rule rule(HttpMethod method, String pattern, Need need) {
		return new Rule(method, PathPatternParser.defaultInstance.parse(pattern), need);
	}

	Need need(HttpServletRequest request) {
		// authorisation, the audit and a refusal all ask: the table is read once
		if (request.getAttribute(NEED) instanceof Need known) {
			return known;
		}
		Need need = lookUp(request);
		request.setAttribute(NEED, need);
		return need;
	}

	private Need lookUp(HttpServletRequest request) {
		HttpMethod method = HttpMethod.valueOf(request.getMethod());
		String uri = request.getRequestURI().substring(request.getContextPath().length());
		PathContainer path = PathContainer.parsePath(uri.isEmpty() ? "/" : uri);
		return this.rules.stream()
			.filter(r -> r.matches(method, path))
			.map(Rule::need)
			.findFirst()
			.orElse(new AnyRole());
	}

	/** The role the request needs, if it needs exactly one. */
	Optional<Role> role(HttpServletRequest request) {
		return (need(request) instanceof Needs n) ? Optional.of(n.role()) : Optional.empty();
	}

	/**
	 * Whether the audit log records the request: what changes something (train, admin,
	 * and methods the API does not have), not reads and not inference.
	 */
	boolean audited(HttpServletRequest request) {
		if (!mutation(request)) {
			return false;
		}
		Need need = need(request);
		return !(need instanceof Open) && !(need instanceof Needs n && n.role() == Role.INFER);
	}

	/** Whether the method may change something. */
	static boolean mutation(HttpServletRequest request) {
		String m = request.getMethod();
		return !("GET".equals(m) || "HEAD".equals(m) || "OPTIONS".equals(m) || "TRACE".equals(m));
	}

}
