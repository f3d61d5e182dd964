package io.cnnservice.metrics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cnnservice.TestRequests;
import io.cnnservice.TestStore;
import io.cnnservice.training.TrainingJobService;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What /actuator/prometheus exposes, and that the dashboard and alert rules only use
 * that.
 */
@SpringBootTest
@AutoConfigureMockMvc
@TestStore(TestStore.Contents.SHIPPED)
class MetricsExpositionTest {

	@Autowired
	MockMvcTester mvc;

	@Autowired
	JsonMapper json;

	@Autowired
	TrainingJobService training;

	private String scrape() throws Exception {
		return this.mvc.get().uri("/actuator/prometheus").exchange().getResponse().getContentAsString();
	}

	private static Set<String> names(String exposition) {
		Set<String> names = new LinkedHashSet<>();
		for (String line : exposition.split("\n")) {
			if (!line.startsWith("#") && !line.isBlank()) {
				names.add(line.split("[{ ]")[0]);
			}
		}
		return names;
	}

	@Test
	void everySeriesTheIssueNamesExistsFromStartUp() throws Exception {
		String exposition = scrape();
		assertThat(names(exposition)).contains("cnn_training_images_total", "cnn_training_jobs",
				"cnn_inference_seconds_bucket", "cnn_inference_seconds_count", "cnn_inference_seconds_sum",
				"cnn_inference_images_total", "cnn_predictor_pool_active", "cnn_predictor_pool_size", "cnn_engine_info",
				"cnn_gpu_count", "process_resident_memory_bytes", "cnn_training_checkpoints_total",
				"cnn_training_checkpoint_seconds_bucket", "cnn_training_checkpoint_seconds_count",
				"cnn_training_checkpoint_seconds_sum", "cnn_training_resumes_total");
		assertThat(exposition).contains("cnn_training_jobs{application=\"cnn-service\",status=\"failed\"} 0");
		assertThat(exposition).contains("cnn_gpu_count{application=\"cnn-service\"} 0");
		assertThat(exposition).containsPattern(
				"cnn_engine_info\\{application=\"cnn-service\",device=\"cpu\\(\\)\",engine=\"PyTorch\",version=\"2.7.1\"} 1");
		assertThat(exposition).contains(
				"cnn_inference_seconds_bucket{application=\"cnn-service\",model=\"lenet-mnist\",outcome=\"success\",le=\"0.001\"} 0");
		assertThat(exposition).contains(
				"cnn_training_images_total{application=\"cnn-service\",architecture=\"lenet\",dataset=\"mnist\"} 0");
		// every architecture in the catalogue, the newest included
		assertThat(exposition).contains(
				"cnn_training_images_total{application=\"cnn-service\",architecture=\"resnet9\",dataset=\"cifar10\"} 0");
		assertThat(exposition).contains("cnn_training_resumes_total{application=\"cnn-service\"} 0");
	}

	@Test
	void theDashboardAndAlertRulesOnlyNameMetricsTheServiceExposes() throws Exception {
		// a finished job (for the per-job gauges) and one request (for the HTTP server
		// metrics)
		var job = this.training.submit(TestRequests.parse("""
				{"architecture": "seed-fc", "dataset": "mnist", "seed": 1, "trainLimit": 128, "testLimit": 100,
				 "modelName": "it-metrics"}"""));
		while (!this.training.get(job.id()).status().isFinished()) {
			Thread.sleep(50);
		}
		this.mvc.get().uri("/api/v1/system").exchange();
		String exposition = scrape();
		Set<String> exposed = names(exposition);
		// per-GPU series exist once per GPU; on a machine without one only cnn_gpu_count
		// does
		if (exposition.contains("cnn_gpu_count{application=\"cnn-service\"} 0")) {
			exposed.addAll(GpuMetrics.PER_GPU_SERIES);
		}
		List<String> expressions = new ArrayList<>();
		JsonNode dashboard = this.json
			.readTree(Files.readString(Path.of("service/grafana/dashboards/cnn-service.json")));
		for (JsonNode panel : dashboard.get("panels")) {
			for (JsonNode target : panel.get("targets")) {
				expressions.add(target.get("expr").asString());
			}
		}
		Map<String, Object> rules = new Yaml().load(Files.readString(Path.of("service/prometheus/alerts.yml")));
		for (Object group : (List<?>) rules.get("groups")) {
			for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
				expressions.add(String.valueOf(((Map<?, ?>) rule).get("expr")));
			}
		}
		assertThat(expressions).hasSizeGreaterThan(15);
		for (String expr : expressions) {
			Set<String> metrics = metricNames(expr);
			assertThat(metrics).as(expr).isNotEmpty();
			for (String metric : metrics) {
				assertThat(metric.equals("up") || exposed.contains(metric)).as("%s in %s", metric, expr).isTrue();
			}
		}
	}

	private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

	private static final Set<String> KEYWORDS = Set.of("by", "without", "and", "or", "unless", "bool", "on", "ignoring",
			"group_left", "group_right", "offset");

	/**
	 * Metric names in a PromQL expression: identifiers outside label matchers, ranges,
	 * groupings and calls.
	 */
	static Set<String> metricNames(String expr) {
		String stripped = expr.replaceAll("\"[^\"]*\"", "")
			.replaceAll("\\{[^}]*}", " ")
			.replaceAll("\\[[^]]*]", " ")
			.replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " ");
		Set<String> names = new LinkedHashSet<>();
		Matcher m = IDENTIFIER.matcher(stripped);
		while (m.find()) {
			String id = m.group();
			boolean call = stripped.substring(m.end()).stripLeading().startsWith("(");
			boolean number = m.start() > 0 && Character.isDigit(stripped.charAt(m.start() - 1));
			if (!call && !number && !KEYWORDS.contains(id)) {
				names.add(id);
			}
		}
		return names;
	}

}
