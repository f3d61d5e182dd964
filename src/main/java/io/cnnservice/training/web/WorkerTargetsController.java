package io.cnnservice.training.web;

import java.util.List;
import java.util.Map;

import io.cnnservice.training.TrainingJobService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where Prometheus finds the local runner's worker processes: their {@code /metrics}, in
 * the format of Prometheus's HTTP service discovery. Workers run on this process's
 * machine, so each target is the host Prometheus reached this process by.
 */
@RestController
@Tag(name = "training")
class WorkerTargetsController {

	private final TrainingJobService service;

	WorkerTargetsController(TrainingJobService service) {
		this.service = service;
	}

	/**
	 * One target group per running worker.
	 *
	 * @param targets {@code host:port} of the worker's metrics
	 * @param labels added to every series scraped from it
	 */
	record TargetGroup(List<String> targets, Map<String, String> labels) {
	}

	@GetMapping("/api/v1/training-workers/prometheus-targets")
	@Operation(summary = "Prometheus HTTP service discovery for the local runner's worker processes",
			description = "Point an http_sd_configs entry here to scrape the cnn_training_* series of jobs that run in worker processes.")
	List<TargetGroup> targets(HttpServletRequest request) {
		String host = request.getServerName();
		String authority = host.contains(":") ? "[" + host + "]" : host;
		return this.service.workerMetricsPorts()
			.entrySet()
			.stream()
			.sorted(Map.Entry.comparingByKey())
			.map(e -> new TargetGroup(List.of(authority + ":" + e.getValue()),
					Map.of("__metrics_path__", "/metrics", "worker_job", e.getKey())))
			.toList();
	}

}
