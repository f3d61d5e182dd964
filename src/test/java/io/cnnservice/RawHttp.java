package io.cnnservice;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests a well-behaved client refuses to send: a
 * foreign Host header, broken percent-encodings, truncated bodies.
 */
public final class RawHttp {

	private RawHttp() {
	}

	/** A response: status, headers (names in lower case) and body. */
	public record Response(int status, Map<String, String> headers, byte[] body) {

		public String text() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

		public String header(String name) {
			return this.headers.get(name.toLowerCase(Locale.ROOT));
		}

	}

	/**
	 * Sends one request and reads the whole response; the connection closes after it.
	 * @param head request line and headers, CRLF-separated, without the blank line
	 * @param body sent as is after the blank line (its length is not added)
	 */
	public static Response send(int port, String head, byte[] body) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(60_000);
			OutputStream out = socket.getOutputStream();
			out.write((head + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
			if (body != null) {
				try {
					out.write(body);
				}
				catch (IOException ex) {
					// the server may answer and close before it has read everything
				}
			}
			out.flush();
			socket.shutdownOutput();
			return read(socket.getInputStream());
		}
	}

	/** A request with a body and its Content-Length. */
	public static Response send(int port, String method, String target, Map<String, String> headers, byte[] body)
			throws IOException {
		StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port);
		headers.forEach((k, v) -> head.append("\r\n").append(k).append(": ").append(v));
		if (body != null) {
			head.append("\r\nContent-Length: ").append(body.length);
		}
		return send(port, head.toString(), body);
	}

	private static Response read(InputStream in) throws IOException {
		byte[] all = in.readAllBytes();
		int split = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
		if (split < 0) {
			throw new IOException("no complete response head in " + all.length + " bytes");
		}
		String[] lines = new String(all, 0, split, StandardCharsets.ISO_8859_1).split("\r\n");
		int status = Integer.parseInt(lines[0].split(" ")[1]);
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon > 0) {
				headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
						lines[i].substring(colon + 1).trim());
			}
		}
		byte[] rest = java.util.Arrays.copyOfRange(all, split + 4, all.length);
		boolean chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
		return new Response(status, headers, chunked ? dechunk(rest) : rest);
	}

	private static byte[] dechunk(byte[] data) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int at = 0;
		while (at < data.length) {
			int end = indexOf(data, at, "\r\n".getBytes(StandardCharsets.ISO_8859_1));
			if (end < 0) {
				break;
			}
			String sizeLine = new String(data, at, end - at, StandardCharsets.ISO_8859_1).split(";")[0].trim();
			int size = sizeLine.isEmpty() ? 0 : Integer.parseInt(sizeLine, 16);
			if (size == 0) {
				break;
			}
			int start = end + 2;
			out.write(data, start, Math.min(size, data.length - start));
			at = start + size + 2;
		}
		return out.toByteArray();
	}

	private static int indexOf(byte[] data, byte[] needle) {
		return indexOf(data, 0, needle);
	}

	private static int indexOf(byte[] data, int from, byte[] needle) {
		outer: for (int i = from; i <= data.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (data[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

}
