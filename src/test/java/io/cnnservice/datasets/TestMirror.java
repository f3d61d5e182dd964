package io.cnnservice.datasets;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/**
 * A dataset mirror on 127.0.0.1: serves files by name, and can send them slowly, cut them
 * short, or hold them until released.
 */
final class TestMirror implements AutoCloseable {

	private final HttpServer server;

	private final Map<String, byte[]> files = new ConcurrentHashMap<>();

	/** Bytes per 50 ms, or 0 for all at once. */
	private volatile int bytesPer50Millis;

	/** Bytes sent before the connection is dropped, or -1 to send everything. */
	private volatile int cutAfter = -1;

	private volatile CountDownLatch hold = new CountDownLatch(0);

	private volatile String held = "";

	TestMirror() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.setExecutor(Executors.newCachedThreadPool());
		this.server.createContext("/", exchange -> {
			String name = exchange.getRequestURI().getPath().substring(1);
			byte[] body = this.files.get(name);
			try (exchange) {
				if (body == null) {
					exchange.sendResponseHeaders(404, -1);
					return;
				}
				exchange.sendResponseHeaders(200, body.length);
				OutputStream out = exchange.getResponseBody();
				int limit = (this.cutAfter >= 0) ? Math.min(this.cutAfter, body.length) : body.length;
				int step = (this.bytesPer50Millis > 0) ? this.bytesPer50Millis : limit;
				for (int at = 0; at < limit; at += step) {
					out.write(body, at, Math.min(step, limit - at));
					out.flush();
					if (at == 0 && name.startsWith(this.held)) {
						this.hold.await();
					}
					if (this.bytesPer50Millis > 0) {
						Thread.sleep(50);
					}
				}
				if (limit < body.length) {
					// closing short of the announced length drops the connection, as a
					// broken transfer does
					return;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		this.server.start();
	}

	/** The base URL, as configured for a mirror. */
	String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/";
	}

	TestMirror serve(String name, byte[] body) {
		this.files.put(name, body);
		return this;
	}

	TestMirror slowly(int bytesPer50Millis) {
		this.bytesPer50Millis = bytesPer50Millis;
		return this;
	}

	TestMirror cutAfter(int bytes) {
		this.cutAfter = bytes;
		return this;
	}

	/**
	 * Sends the first bytes of each file whose name starts so, then waits until the latch
	 * opens.
	 */
	TestMirror holdAfterFirstBytes(String prefix, CountDownLatch latch) {
		this.held = prefix;
		this.hold = latch;
		return this;
	}

	@Override
	public void close() {
		this.hold.countDown();
		this.server.stop(0);
	}

}
