package io.cnnservice.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * The configured API keys, from properties and the keys file. Only digests are held, and
 * a presented key is compared against every one of them in constant time.
 */
@Component
class ApiKeys {

	/** A usable key: its holder, roles and digest. */
	record Key(String name, Set<Role> roles, byte[] sha256) {
	}

	private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);

	private final List<Key> keys;

	ApiKeys(SecurityProperties properties) {
		List<SecurityProperties.KeyEntry> entries = new ArrayList<>(properties.apiKeys());
		if (!properties.apiKeysFile().isBlank()) {
			Path file = Path.of(properties.apiKeysFile());
			if (Files.exists(file)) {
				entries.addAll(readFile(file));
			}
			else {
				// an optional Secret that was never created: the service runs without its
				// keys
				log.warn("The API keys file {} (CNN_API_KEYS_FILE) does not exist; no keys are read from it", file);
			}
		}
		List<Key> parsed = new ArrayList<>();
		Set<String> names = new HashSet<>();
		for (int i = 0; i < entries.size(); i++) {
			Key key = parse(entries.get(i), i);
			if (!names.add(key.name())) {
				throw new IllegalStateException("cnn.security.api-keys: the name '" + key.name()
						+ "' is used twice; the audit log needs each key named once");
			}
			parsed.add(key);
		}
		this.keys = List.copyOf(parsed);
	}

	boolean configured() {
		return !this.keys.isEmpty();
	}

	int size() {
		return this.keys.size();
	}

	/** The key whose digest matches; every digest is compared, so timing says nothing. */
	Optional<Key> match(String presented) {
		byte[] digest = sha256(presented);
		Key found = null;
		for (Key key : this.keys) {
			if (MessageDigest.isEqual(digest, key.sha256()) && found == null) {
				found = key;
			}
		}
		return Optional.ofNullable(found);
	}

	static byte[] sha256(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every Java runtime", ex);
		}
	}

	private static Key parse(SecurityProperties.KeyEntry entry, int index) {
		String where = "cnn.security.api-keys[" + index + "]";
		if (entry.name() == null || entry.name().isBlank()) {
			throw new IllegalStateException(where + ".name is missing: every key needs a name for the audit log");
		}
		String hex = (entry.sha256() != null) ? entry.sha256().trim().toLowerCase(Locale.ROOT) : "";
		if (!hex.matches("[0-9a-f]{64}")) {
			throw new IllegalStateException(where + ".sha256 must be the 64 hex digits of the key's SHA-256 "
					+ "(printf %s \"$KEY\" | sha256sum), not the key itself");
		}
		Set<Role> roles;
		try {
			roles = Role.parseList(entry.roles());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(where + ".roles: " + ex.getMessage(), ex);
		}
		if (roles.isEmpty()) {
			throw new IllegalStateException(where + ".roles is empty: give at least one of read,infer,train,admin");
		}
		return new Key(entry.name().trim(), roles, HexFormat.of().parseHex(hex));
	}

	/** Reads {@code [{"name":..., "roles": "read,infer" or [..], "sha256":...}]}. */
	private static List<SecurityProperties.KeyEntry> readFile(Path file) {
		JsonNode root;
		try {
			root = JsonMapper.builder().build().readTree(Files.readString(file));
		}
		catch (IOException | JacksonException ex) {
			throw new IllegalStateException(
					"Cannot read the API keys file " + file + " (CNN_API_KEYS_FILE): " + ex.getMessage(), ex);
		}
		if (!root.isArray()) {
			throw new IllegalStateException("The API keys file " + file
					+ " must hold a JSON list of {\"name\", \"roles\", \"sha256\"} objects");
		}
		List<SecurityProperties.KeyEntry> entries = new ArrayList<>();
		for (JsonNode node : root) {
			JsonNode roles = node.path("roles");
			String roleList;
			if (roles.isArray()) {
				List<String> parts = new ArrayList<>();
				roles.forEach(r -> parts.add(r.asString()));
				roleList = String.join(",", parts);
			}
			else {
				roleList = roles.asString("");
			}
			entries.add(new SecurityProperties.KeyEntry(node.path("name").asString(null), roleList,
					node.path("sha256").asString(null)));
		}
		return entries;
	}

}
