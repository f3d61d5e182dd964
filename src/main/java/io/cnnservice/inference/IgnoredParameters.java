package io.cnnservice.inference;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each open inference parameter the server ignores once, not once per request: a
 * client that always sends {@code content_type} would otherwise fill the log. The names
 * come from clients, so only the first {@link #MAX_NAMES} are remembered.
 */
final class IgnoredParameters {

	private static final Logger log = LoggerFactory.getLogger(IgnoredParameters.class);

	static final int MAX_NAMES = 64;

	private final Set<String> logged = ConcurrentHashMap.newKeySet();

	/**
	 * @param where {@code request} or {@code input}
	 */
	void ignore(String where, String name) {
		String key = where + ":" + name;
		if (this.logged.size() < MAX_NAMES && this.logged.add(key)) {
			log.warn("Ignoring the {} parameter '{}': it does not change the answer (logged once)", where, name);
		}
	}

}
