package io.cnnservice.inference;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.cnnservice.TestStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every open inference protocol answer, success or error, checked against KServe's
 * published schema ({@code src/test/resources/oip/rest_predict_v2.yaml}, which names its
 * source), over real HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@TestStore(TestStore.Contents.SHIPPED)
class OpenInferenceConformanceTest {

	static JsonNode components;

	@BeforeAll
	static void loadSchema() throws IOException {
		try (InputStream in = OpenInferenceConformanceTest.class.getResourceAsStream("/oip/rest_predict_v2.yaml")) {
			components = YAMLMapper.builder().build().readTree(in).get("components");
		}
	}

	@LocalServerPort
	int port;

	private final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	/** The named schema of the document, with its references resolvable. */
	private Schema schema(String name) {
		ObjectNode root = this.json.createObjectNode();
		root.put("$ref", "#/components/schemas/" + name);
		root.set("components", components);
		return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(root);
	}

	private JsonNode conforms(String schema, String body) {
		JsonNode node = this.json.readTree(body);
		List<Error> errors = schema(schema).validate(node);
		assertThat(errors).as(schema + " for " + body).isEmpty();
		return node;
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> infer(String path, String body) throws Exception {
		// the test's own requests must be valid ones, or the answers would prove nothing
		assertThat(schema("inference_request").validate(this.json.readTree(body))).isEmpty();
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String request(String extra, int n) {
		return "{" + extra + "\"inputs\":[{\"name\":\"input\",\"shape\":[" + n
				+ ",1,28,28],\"datatype\":\"FP32\",\"data\":[" + "0,".repeat(n * 784 - 1) + "0]}]}";
	}

	@Test
	void serverMetadataIsServedAtV2() throws Exception {
		for (String path : List.of("/v2", "/v2/")) {
			HttpResponse<String> response = get(path);
			assertThat(response.statusCode()).isEqualTo(200);
			JsonNode metadata = conforms("metadata_server_response", response.body());
			assertThat(metadata.get("name").asString()).isEqualTo("cnn-service");
		}
	}

	@Test
	void modelMetadataConforms() throws Exception {
		for (String path : List.of("/v2/models/lenet-mnist", "/v2/models/lenet-mnist/versions/1",
				"/v2/models/resnet9-cifar10")) {
			HttpResponse<String> response = get(path);
			assertThat(response.statusCode()).isEqualTo(200);
			conforms("metadata_model_response", response.body());
		}
		HttpResponse<String> missing = get("/v2/models/nope");
		assertThat(missing.statusCode()).isEqualTo(404);
		conforms("metadata_model_error_response", missing.body());
	}

	@Test
	void anInferAnswerConformsWithAndWithoutARequestId() throws Exception {
		HttpResponse<String> without = infer("/v2/models/lenet-mnist/infer", request("", 2));
		assertThat(without.statusCode()).isEqualTo(200);
		JsonNode answer = conforms("inference_response", without.body());
		assertThat(answer.has("id")).as("no \"id\": null").isFalse();
		// the schema does catch what the service once sent
		assertThat(schema("inference_response")
			.validate(this.json.readTree("{\"model_name\":\"m\",\"id\":null,\"outputs\":[]}"))).isNotEmpty();

		HttpResponse<String> with = infer("/v2/models/lenet-mnist/versions/1/infer", request("\"id\":\"r-7\",", 1));
		assertThat(conforms("inference_response", with.body()).get("id").asString()).isEqualTo("r-7");
	}

	@Test
	void parametersThatCannotChangeTheAnswerAreIgnored() throws Exception {
		String plain = infer("/v2/models/lenet-mnist/infer", request("", 1)).body();
		HttpResponse<String> withParameters = infer("/v2/models/lenet-mnist/infer",
				request("\"parameters\":{\"content_type\":\"np\",\"headers\":{}},", 1).replace("\"datatype\":\"FP32\"",
						"\"datatype\":\"FP32\",\"parameters\":{\"content_type\":\"np\"}"));
		assertThat(withParameters.statusCode()).as(withParameters.body()).isEqualTo(200);
		assertThat(conforms("inference_response", withParameters.body()).get("outputs"))
			.isEqualTo(this.json.readTree(plain).get("outputs"));
		HttpResponse<String> askedForOutput = infer("/v2/models/lenet-mnist/infer",
				request("\"outputs\":[{\"name\":\"probabilities\"}],", 1));
		assertThat(askedForOutput.statusCode()).isEqualTo(200);
	}

	@Test
	void errorsConformAndNameWhatChangesTheAnswer() throws Exception {
		HttpResponse<String> unknownOutput = infer("/v2/models/lenet-mnist/infer",
				request("\"outputs\":[{\"name\":\"logits\"}],", 1));
		assertThat(unknownOutput.statusCode()).isEqualTo(400);
		assertThat(conforms("inference_error_response", unknownOutput.body()).get("error").asString())
			.contains("logits");
		HttpResponse<String> badViews = infer("/v2/models/lenet-mnist/infer",
				request("\"parameters\":{\"test_time_views\":\"maybe\"},", 1));
		assertThat(badViews.statusCode()).isEqualTo(400);
		conforms("inference_error_response", badViews.body());
		HttpResponse<String> tooMany = infer("/v2/models/lenet-mnist/infer", request("", 65));
		assertThat(tooMany.statusCode()).isEqualTo(413);
		assertThat(conforms("inference_error_response", tooMany.body()).get("error").asString())
			.contains("cnn.inference.max-batch");
		HttpResponse<String> missing = infer("/v2/models/nope/infer", request("", 1));
		assertThat(missing.statusCode()).isEqualTo(404);
		conforms("inference_error_response", missing.body());
	}

}
