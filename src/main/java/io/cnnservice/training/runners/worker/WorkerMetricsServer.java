package io.cnnservice.training.runners.worker;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import io.cnnservice.Application;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * A worker's only endpoint: {@code GET /metrics} in Prometheus's text format, the same
 * {@code cnn_training_*} series the API process exports, for a PodMonitor (or the local
 * runner's discovery endpoint) to scrape while the job trains.
 */
@Component
@Profile(Application.WORKER_PROFILE)
class WorkerMetricsServer implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(WorkerMetricsServer.class);

	private final PrometheusMeterRegistry registry;

	private final WorkerProperties properties;

	private HttpServer server;

	WorkerMetricsServer(PrometheusMeterRegistry registry, WorkerProperties properties) {
		this.registry = registry;
		this.properties = properties;
	}

	@Override
	public void start() {
		if (this.properties.metricsPort() == 0) {
			return;
		}
		try {
			this.server = HttpServer.create(new InetSocketAddress(this.properties.metricsPort()), 16);
		}
		catch (IOException ex) {
			// training matters more than its metrics
			log.warn("Cannot serve metrics on port {}: {}", this.properties.metricsPort(), ex.getMessage());
			return;
		}
		this.server.createContext("/metrics", exchange -> {
			try (exchange) {
				if (!"GET".equals(exchange.getRequestMethod())) {
					exchange.sendResponseHeaders(405, -1);
					return;
				}
				byte[] body = this.registry.scrape().getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
				exchange.sendResponseHeaders(200, body.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(body);
				}
			}
		});
		this.server.setExecutor(Executors.newSingleThreadExecutor(r -> {
			Thread t = new Thread(r, "worker-metrics");
			t.setDaemon(true);
			return t;
		}));
		this.server.start();
		log.info("Worker metrics on port {}", this.server.getAddress().getPort());
	}

	@Override
	public void stop() {
		if (this.server != null) {
			this.server.stop(0);
			this.server = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.server != null;
	}

}
