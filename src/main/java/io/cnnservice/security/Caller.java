package io.cnnservice.security;

import java.util.EnumSet;
import java.util.Set;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Who sent a request and what they may do: the holder of an API key, or an anonymous
 * caller with the roles the configuration opens to everyone.
 */
final class Caller extends AbstractAuthenticationToken {

	static final String ANONYMOUS = "anonymous";

	private final String name;

	private final Set<Role> roles;

	private final boolean keyHolder;

	private Caller(String name, Set<Role> roles, boolean keyHolder) {
		super(roles.stream().map(r -> new SimpleGrantedAuthority(r.authority())).toList());
		this.name = name;
		this.roles = roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles);
		this.keyHolder = keyHolder;
		setAuthenticated(true);
	}

	static Caller withKey(String name, Set<Role> roles) {
		return new Caller(name, roles, true);
	}

	static Caller anonymous(Set<Role> roles) {
		return new Caller(ANONYMOUS, roles, false);
	}

	boolean has(Role role) {
		return this.roles.contains(role);
	}

	boolean hasAnyRole() {
		return !this.roles.isEmpty();
	}

	boolean keyHolder() {
		return this.keyHolder;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public Object getCredentials() {
		return "";
	}

	@Override
	public Object getPrincipal() {
		return this.name;
	}

}
