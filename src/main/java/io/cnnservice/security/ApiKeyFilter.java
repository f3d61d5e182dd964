package io.cnnservice.security;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Turns the presented key ({@code Authorization: Bearer} or {@code X-API-Key}) into a
 * {@link Caller}; without one, the caller gets the anonymous roles, and in protected mode
 * (no keys configured) a local client gets every role.
 */
final class ApiKeyFilter extends OncePerRequestFilter {

	private static final String BEARER = "Bearer ";

	private final ApiKeys keys;

	private final Set<Role> anonymousRoles;

	private final HandlerExceptionResolver errors;

	ApiKeyFilter(ApiKeys keys, Set<Role> anonymousRoles, HandlerExceptionResolver errors) {
		this.keys = keys;
		this.anonymousRoles = anonymousRoles;
		this.errors = errors;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Optional<String> presented = presentedKey(request);
		Caller caller;
		if (presented.isPresent()) {
			Optional<ApiKeys.Key> key = this.keys.match(presented.get());
			if (key.isEmpty()) {
				refuse(request, response, AccessRefusedException.invalidKey());
				return;
			}
			caller = Caller.withKey(key.get().name(), key.get().roles());
		}
		else if (!this.keys.configured() && LocalClient.trusted(request)) {
			caller = Caller.anonymous(EnumSet.allOf(Role.class));
		}
		else {
			caller = Caller.anonymous(this.anonymousRoles);
		}
		SecurityContextHolder.setContext(new SecurityContextImpl(caller));
		chain.doFilter(request, response);
	}

	private void refuse(HttpServletRequest request, HttpServletResponse response, AccessRefusedException ex) {
		this.errors.resolveException(request, response, null, ex);
	}

	private static Optional<String> presentedKey(HttpServletRequest request) {
		String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			return Optional.of(authorization.substring(BEARER.length()).trim());
		}
		String header = request.getHeader("X-API-Key");
		return Optional.ofNullable(header).map(String::trim);
	}

}
