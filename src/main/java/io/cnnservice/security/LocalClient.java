package io.cnnservice.security;

import java.net.URI;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Whether a request without a key comes from this machine and not from a browser page
 * elsewhere: a loopback peer, no proxy in between, a loopback Host (no DNS rebinding) and
 * no foreign Origin. Only such a caller may change anything when no keys are configured.
 */
final class LocalClient {

	private LocalClient() {
	}

	static boolean trusted(HttpServletRequest request) {
		if (!directLoopback(request)) {
			return false;
		}
		if ("cross-site".equals(request.getHeader("Sec-Fetch-Site"))) {
			return false;
		}
		if (!loopbackName(request.getServerName())) {
			return false;
		}
		String origin = request.getHeader("Origin");
		if (origin == null) {
			return true;
		}
		try {
			String host = URI.create(origin).getHost();
			return host != null && loopbackName(host);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/**
	 * A loopback peer with no proxy in between: a client on this machine, though maybe a
	 * browser page from elsewhere.
	 */
	static boolean directLoopback(HttpServletRequest request) {
		return loopbackAddress(request.getRemoteAddr()) && request.getHeader("X-Forwarded-For") == null
				&& request.getHeader("Forwarded") == null;
	}

	private static boolean loopbackAddress(String address) {
		return address != null && (address.startsWith("127.") || "0:0:0:0:0:0:0:1".equals(address)
				|| "::1".equals(address) || "[::1]".equals(address));
	}

	private static boolean loopbackName(String host) {
		if (host == null) {
			return false;
		}
		String h = host.toLowerCase(Locale.ROOT);
		if (h.startsWith("[") && h.endsWith("]")) {
			h = h.substring(1, h.length() - 1);
		}
		return "localhost".equals(h) || h.endsWith(".localhost") || loopbackAddress(h);
	}

}
