package io.cnnservice.deployment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cnnservice.TestStore;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes manifests, docker-compose file and Dockerfile agree with the
 * application: the port it listens on, the probe and scrape paths it answers, and the
 * environment variables it reads.
 */
@SpringBootTest
@AutoConfigureMockMvc
@TestStore
class DeploymentManifestsTest {

	@Autowired
	MockMvcTester mvc;

	/**
	 * Variables JVM, container runtime or Spring Boot's relaxed binding read besides
	 * application.yml's.
	 */
	static final Set<String> PLATFORM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "SERVER_ADDRESS", "DJL_CACHE_DIR",
			"LD_PRELOAD", "MALLOC_CONF");

	static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):([^}]*)}");

	private static Map<String, String> applicationVariables() throws IOException {
		Map<String, String> vars = new java.util.LinkedHashMap<>();
		Matcher m = PLACEHOLDER.matcher(Files.readString(Path.of("src/main/resources/application.yml")));
		while (m.find()) {
			vars.put(m.group(1), m.group(2));
		}
		return vars;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> documents(Path file) throws IOException {
		List<Map<String, Object>> docs = new ArrayList<>();
		for (Object doc : new Yaml().loadAll(Files.readString(file))) {
			if (doc != null) {
				docs.add((Map<String, Object>) doc);
			}
		}
		return docs;
	}

	@SuppressWarnings("unchecked")
	private static <T> T at(Object node, Object... path) {
		Object current = node;
		for (Object key : path) {
			current = (key instanceof Integer i) ? ((List<Object>) current).get(i)
					: ((Map<String, Object>) current).get(key);
		}
		return (T) current;
	}

	@Test
	void manifestsUseThePortAndPathsTheServiceAnswers() throws Exception {
		Map<String, String> vars = applicationVariables();
		int port = Integer.parseInt(vars.get("PORT"));
		Map<String, Object> deployment = documents(Path.of("k8s/base/deployment.yaml")).get(0);
		Map<String, Object> container = at(deployment, "spec", "template", "spec", "containers", 0);
		assertThat((Integer) at(container, "ports", 0, "containerPort")).isEqualTo(port);
		Map<String, Object> config = documents(Path.of("k8s/base/configmap.yaml")).get(0);
		assertThat(at(config, "data", "PORT").toString()).isEqualTo(Integer.toString(port));

		List<String> paths = new ArrayList<>();
		for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
			paths.add(at(container, probe, "httpGet", "path"));
		}
		paths.add(at(documents(Path.of("k8s/base/servicemonitor.yaml")).get(0), "spec", "endpoints", 0, "path"));
		paths.add(at(documents(Path.of("service/prometheus/prometheus.yml")).get(0), "scrape_configs", 0,
				"metrics_path"));
		Matcher healthcheck = Pattern.compile("GET (/\\S+) HTTP")
			.matcher(Files.readString(Path.of("service/Dockerfile")));
		assertThat(healthcheck.find()).isTrue();
		paths.add(healthcheck.group(1));
		assertThat(paths).contains("/actuator/health/liveness", "/actuator/health/readiness", "/actuator/prometheus");
		for (String path : paths) {
			assertThat(this.mvc.get().uri(path)).as(path).hasStatusOk();
		}
	}

	@Test
	void everyEnvironmentVariableTheManifestsSetIsOneTheServiceReads() throws Exception {
		Set<String> known = new TreeSet<>(applicationVariables().keySet());
		known.addAll(PLATFORM_VARIABLES);
		Set<String> used = new TreeSet<>();
		for (Path file : List.of(Path.of("k8s/base/configmap.yaml"), Path.of("k8s/overlays/gpu/gpu-config.yaml"))) {
			Map<String, Object> data = at(documents(file).get(0), "data");
			used.addAll(data.keySet());
		}
		Map<String, Object> compose = documents(Path.of("docker-compose.yml")).get(0);
		Map<String, Object> composeEnv = at(compose, "x-service", "environment");
		used.addAll(composeEnv.keySet());
		Matcher env = Pattern.compile("^(?:ENV\\s+|\\s+)([A-Z][A-Z0-9_]*)=", Pattern.MULTILINE)
			.matcher(Files.readString(Path.of("service/Dockerfile")));
		while (env.find()) {
			used.add(env.group(1));
		}
		assertThat(used).hasSizeGreaterThan(8);
		assertThat(known).containsAll(used);
	}

}
