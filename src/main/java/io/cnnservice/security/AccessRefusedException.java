package io.cnnservice.security;

import io.cnnservice.problems.ClientErrorException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * A request refused for want of a key (401) or of a role (403), mapped to a problem
 * detail by the one error handler.
 */
public class AccessRefusedException extends ClientErrorException {

	/** The challenge a 401 carries. */
	public static final String CHALLENGE = "Bearer realm=\"cnn-service\"";

	private AccessRefusedException(int status, String detail, String missingRole) {
		super(HttpStatus.valueOf(status), (status == 401) ? "unauthorized" : "forbidden",
				(status == 401) ? "Unauthorized" : "Forbidden", detail);
		if (missingRole != null) {
			property("requiredRole", missingRole);
		}
		if (status == 401) {
			header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
		}
	}

	static AccessRefusedException invalidKey() {
		return new AccessRefusedException(401,
				"The API key is not valid; send a configured key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
				null);
	}

	static AccessRefusedException noKey(Role role) {
		return new AccessRefusedException(401, "This request needs an API key with the role '" + role.id()
				+ "'; send it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'", role.id());
	}

	static AccessRefusedException noKeyForAnything() {
		return new AccessRefusedException(401,
				"This request needs an API key; send it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'", null);
	}

	static AccessRefusedException keysNotConfigured(Role role) {
		String needs = (role != null) ? "This request needs the role '" + role.id() + "'. " : "";
		return new AccessRefusedException(401,
				needs + "This service has no API keys configured, so only clients on its own machine may do this. "
						+ "Configure keys (cnn.security.api-keys or a keys file named by CNN_API_KEYS_FILE; "
						+ "see docs/operations.md, \"API keys\") and send one as 'Authorization: Bearer <key>'",
				(role != null) ? role.id() : null);
	}

	static AccessRefusedException missingRole(Role role, String keyName) {
		return new AccessRefusedException(403,
				"The key '" + keyName + "' lacks the role '" + role.id() + "' that this request needs", role.id());
	}

	static AccessRefusedException noRole(String keyName) {
		return new AccessRefusedException(403, "The key '" + keyName + "' has no role that allows this request", null);
	}

	static AccessRefusedException crossSite(Role role) {
		return new AccessRefusedException(403,
				"A cross-site browser request (a foreign Origin or Host) gets no local rights here; allow its origin "
						+ "with cnn.security.cors-allowed-origins and send an API key",
				(role != null) ? role.id() : null);
	}

}
