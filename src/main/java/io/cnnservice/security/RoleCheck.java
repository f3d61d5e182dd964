package io.cnnservice.security;

import java.io.IOException;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Grants a request when its caller has the role {@link AccessRules} names, and explains a
 * refusal: 401 to a caller without a key, 403 naming the role to a key that lacks it.
 */
final class RoleCheck implements AuthorizationManager<RequestAuthorizationContext>, AccessDeniedHandler {

	private final AccessRules rules;

	private final boolean keysConfigured;

	private final HandlerExceptionResolver errors;

	RoleCheck(AccessRules rules, boolean keysConfigured, HandlerExceptionResolver errors) {
		this.rules = rules;
		this.keysConfigured = keysConfigured;
		this.errors = errors;
	}

	@Override
	public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
			RequestAuthorizationContext context) {
		Caller caller = (authentication.get() instanceof Caller c) ? c : null;
		return new AuthorizationDecision(allowed(caller, this.rules.need(context.getRequest())));
	}

	private static boolean allowed(Caller caller, AccessRules.Need need) {
		if (need instanceof AccessRules.Needs needs) {
			return caller != null && caller.has(needs.role());
		}
		return (need instanceof AccessRules.Open) || (caller != null && caller.hasAnyRole());
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
			throws IOException {
		Caller caller = (SecurityContextHolder.getContext().getAuthentication() instanceof Caller c) ? c : null;
		this.errors.resolveException(request, response, null, refusal(request, caller));
	}

	private AccessRefusedException refusal(HttpServletRequest request, Caller caller) {
		AccessRules.Need need = this.rules.need(request);
		Role role = (need instanceof AccessRules.Needs n) ? n.role() : null;
		if (caller != null && caller.keyHolder()) {
			return (role != null) ? AccessRefusedException.missingRole(role, caller.getName())
					: AccessRefusedException.noRole(caller.getName());
		}
		if (!this.keysConfigured) {
			// a local client would have had every role: say why this one is not local
			return LocalClient.directLoopback(request) ? AccessRefusedException.crossSite(role)
					: AccessRefusedException.keysNotConfigured(role);
		}
		return (role != null) ? AccessRefusedException.noKey(role) : AccessRefusedException.noKeyForAnything();
	}

}
