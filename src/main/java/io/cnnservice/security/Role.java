package io.cnnservice.security;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an API key may do. A role does not imply another: a key that deletes and reads has
 * both.
 */
public enum Role {

	/** Every GET of the API. */
	READ,
	/** Classify and open inference protocol infer. */
	INFER,
	/** Submit, cancel and resume training jobs, and download datasets. */
	TRAIN,
	/**
	 * Delete models and versions; actuator endpoints; health details and dataset
	 * locations.
	 */
	ADMIN;

	/** The name clients and configuration use: {@code read}, {@code infer}... */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The servlet role name ({@code ROLE_admin} as a Spring Security authority). */
	String authority() {
		return "ROLE_" + id();
	}

	static Role parse(String value) {
		String v = value.trim().toLowerCase(Locale.ROOT);
		return Arrays.stream(values())
			.filter(r -> r.id().equals(v))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException(
					"unknown role '" + value.trim() + "'; the roles are " + ids(EnumSet.allOf(Role.class))));
	}

	/** Parses {@code "read, infer"}; blank gives no role. */
	static Set<Role> parseList(String value) {
		EnumSet<Role> roles = EnumSet.noneOf(Role.class);
		if (value != null) {
			for (String part : value.split(",")) {
				if (!part.isBlank()) {
					roles.add(parse(part));
				}
			}
		}
		return roles;
	}

	static String ids(Set<Role> roles) {
		return roles.stream().map(Role::id).collect(Collectors.joining(","));
	}

}
