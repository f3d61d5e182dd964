package io.cnnservice.inference;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.cnnservice.TestStore;
import io.cnnservice.TestUploads;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many files one classify request may carry, through the real server: MockMvc does
 * not parse multipart bodies with Tomcat, and Tomcat's own part limit is what once
 * refused requests the service allows.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@TestStore(TestStore.Contents.SHIPPED)
class UploadLimitsTest {

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper json;

	@Autowired
	InferenceProperties properties;

	private final HttpClient http = HttpClient.newHttpClient();

	private HttpResponse<String> classify(int files) throws Exception {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/v1/models/lenet-mnist/classify"))
			.header("Content-Type", TestUploads.MULTIPART_TYPE)
			.POST(HttpRequest.BodyPublishers.ofByteArray(TestUploads.multipart(TestUploads.sevenPng(), files)))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void everyFileTheLimitAllowsIsClassifiedAndOneMoreIsRefusedByName() throws Exception {
		int max = this.properties.maxFiles();
		assertThat(max).as("above Tomcat's default of 50 parts").isGreaterThan(50);

		HttpResponse<String> full = classify(max);
		assertThat(full.statusCode()).as(full.body()).isEqualTo(200);
		JsonNode results = this.json.readTree(full.body()).get("results");
		assertThat(results).hasSize(max);
		assertThat(results.get(max - 1).get("predictions").get(0).get("label").asString()).isEqualTo("7");

		HttpResponse<String> over = classify(max + 1);
		assertThat(over.statusCode()).isEqualTo(400);
		assertThat(over.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(over.body()).contains("cnn.inference.max-files").contains("got " + (max + 1));
	}

	@Test
	void farTooManyPartsGetAProblemAboutTheFileCountNotTheSize() throws Exception {
		HttpResponse<String> response = classify(500);
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = this.json.readTree(response.body());
		assertThat(problem.get("type").asString()).endsWith("too-many-files");
		assertThat(problem.get("detail").asString()).contains("cnn.inference.max-files").doesNotContain("larger than");
	}

}
