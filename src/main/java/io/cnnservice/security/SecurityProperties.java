package io.cnnservice.security;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Access control ({@code cnn.security.*}).
 *
 * @param apiKeys keys given in configuration; each holds only the key's SHA-256
 * @param apiKeysFile a JSON list of the same objects (a mounted Secret), read at
 * start-up; empty for none
 * @param anonymousRoles roles a request without a key gets, comma-separated; unset means
 * none when keys are configured and {@code read,infer} without keys
 * @param protectMetrics whether {@code /actuator/prometheus} and the worker targets need
 * the {@code read} role
 * @param corsAllowedOrigins browser origins allowed to call the API cross-site; none
 * turns CORS off
 */
@Validated
@ConfigurationProperties("cnn.security")
public record SecurityProperties(@DefaultValue List<KeyEntry> apiKeys, @DefaultValue("") String apiKeysFile,
		String anonymousRoles, @DefaultValue("false") boolean protectMetrics,
		@DefaultValue List<String> corsAllowedOrigins) {

	/**
	 * One API key as configured.
	 *
	 * @param name who holds it, as the audit log names them
	 * @param roles comma-separated roles
	 * @param sha256 hex SHA-256 of the key
	 */
	public record KeyEntry(String name, String roles, String sha256) {
	}

}
