package io.cnnservice.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import io.cnnservice.RawHttp;
import io.cnnservice.TestStore;
import io.cnnservice.TestUploads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each client mistake that once got a 500, an HTML page or a 202 for a network too big
 * for the machine, as found by probing the service, now gets a 4xx problem that names
 * what was wrong.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@TestStore(TestStore.Contents.SHIPPED)
class ClientMistakesTest {

	static final String CLASSIFY = "/api/v1/models/lenet-mnist/classify";

	/** The model store the service runs on. */
	@Value("${cnn.model-store.root}")
	Path store;

	@LocalServerPort
	int port;

	private RawHttp.Response send(String method, String target, String contentType, byte[] body) throws IOException {
		return RawHttp.send(this.port, method, target,
				(contentType != null) ? Map.of("Content-Type", contentType) : Map.of(), body);
	}

	private static RawHttp.Response assertProblem(RawHttp.Response response, int status, String mentions) {
		assertThat(response.status()).as(response.text()).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.text()).contains(mentions);
		return response;
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void aFilePartSentAsMultipartMixedIsABadRequest() throws IOException {
		byte[] body = utf8("--B0UNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
				+ "Content-Type: multipart/mixed\r\n\r\nxyz\r\n--B0UNDARY--\r\n");
		RawHttp.Response response = send("POST", CLASSIFY, TestUploads.MULTIPART_TYPE, body);
		assertThat(response.status()).isBetween(400, 499);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
	}

	@Test
	void multipartWithoutABoundaryOrCutShortIsABadRequest() throws IOException {
		byte[] full = TestUploads.multipart(TestUploads.sevenPng());
		assertProblem(send("POST", CLASSIFY, "multipart/form-data", full), 400, "multipart");
		byte[] truncated = java.util.Arrays.copyOf(full, full.length / 2);
		assertProblem(send("POST", CLASSIFY, TestUploads.MULTIPART_TYPE, truncated), 400, "multipart");
	}

	@ParameterizedTest
	@ValueSource(strings = { "?version=%ZZ", "?topK=%", "?topK=%E2%82" })
	void aBrokenPercentEncodingInTheQueryIsABadRequest(String query) throws IOException {
		assertProblem(send("POST", CLASSIFY + query, TestUploads.MULTIPART_TYPE,
				TestUploads.multipart(TestUploads.sevenPng())), 400, "query string");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/v1/models/lenet-mnist%2fversions/1", "/api/v1/models/lenet-mnist%5cx",
			"/api/v1/models/lenet%00mnist", "/api/v1/models/%ZZ" })
	void encodedSlashesAndNulsInThePathAreProblemsNotHtml(String path) throws IOException {
		RawHttp.Response response = send("GET", path, null, null);
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
	}

	@Test
	void aMatrixParameterCannotReachAModel() throws IOException {
		RawHttp.Response response = send("DELETE", "/api/v1/models/lenet-mnist;x=1/versions/1", null, null);
		assertProblem(response, 400, "path");
		assertThat(this.store.resolve("lenet-mnist")).isDirectory();
	}

	@Test
	void openInferenceWithAnotherContentTypeIs415() throws IOException {
		RawHttp.Response response = send("POST", "/v2/models/lenet-mnist/infer", "text/plain", utf8("{}"));
		assertThat(response.status()).isEqualTo(415);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"inputs\":[null]}",
			"{\"inputs\":[{\"name\":\"input\",\"shape\":[1,null,28,28],\"datatype\":\"FP32\",\"data\":[0]}]}",
			"{\"inputs\":[{\"name\":\"input\",\"shape\":[1,1,28,28],\"datatype\":\"FP32\",\"data\":[null]}]}",
			"{\"inputs\":[{\"name\":\"input\",\"shape\":[1,1,28,28],\"datatype\":\"FP32\",\"data\":[\"a\"]}]}" })
	void nullsInAnOpenInferenceRequestAreABadRequest(String body) throws IOException {
		RawHttp.Response response = send("POST", "/v2/models/lenet-mnist/infer", "application/json", utf8(body));
		assertThat(response.status()).as(response.text()).isEqualTo(400);
		assertThat(response.text()).startsWith("{\"error\":");
	}

	@Test
	void theLayerTableOfAHugeMlpIsRefusedByItsHiddenSizes() throws IOException {
		assertProblem(send("GET", "/api/v1/architectures/mlp?hiddenSizes=16384,16384", null, null), 400, "hiddenSizes");
		assertProblem(send("GET", "/api/v1/architectures/mlp?hiddenSizes=65536,65536", null, null), 400, "hiddenSizes");
	}

	@Test
	void trainingNetworksTooBigForTheMachineAreRefusedByTheirField() throws IOException {
		String mlp = "{\"architecture\":\"mlp\",\"dataset\":\"mnist\",\"hiddenSizes\":[" + "16384,".repeat(15)
				+ "16384]}";
		assertProblem(send("POST", "/api/v1/training-jobs", "application/json", utf8(mlp)), 400, "hiddenSizes");
		String resnet9 = "{\"architecture\":\"resnet9\",\"dataset\":\"cifar10\",\"width\":256,"
				+ "\"batchSize\":4096,\"epochs\":1000}";
		RawHttp.Response response = assertProblem(
				send("POST", "/api/v1/training-jobs", "application/json", utf8(resnet9)), 400, "\"field\":\"width\"");
		assertThat(response.text()).contains("cnn.architectures.max-parameters");
		String batch = "{\"architecture\":\"resnet9\",\"dataset\":\"cifar10\",\"batchSize\":4096}";
		assertProblem(send("POST", "/api/v1/training-jobs", "application/json", utf8(batch)), 400,
				"\"field\":\"batchSize\"");
	}

	@ParameterizedTest
	@ValueSource(strings = { "text/html", "image/png" })
	void anAcceptTheAnswerCannotMeetStillGetsTheError(String accept) throws IOException {
		RawHttp.Response v2 = RawHttp.send(this.port, "GET", "/v2/models/nope", Map.of("Accept", accept), null);
		assertThat(v2.status()).isEqualTo(404);
		assertThat(v2.text()).startsWith("{\"error\":");
		RawHttp.Response api = RawHttp.send(this.port, "GET", "/api/v1/models/nope", Map.of("Accept", accept), null);
		assertThat(api.status()).isEqualTo(404);
		assertThat(api.header("Content-Type")).startsWith("application/problem+json");
	}

	@Test
	void anUnparseableAcceptHeaderStillGetsItsProblem() throws IOException {
		RawHttp.Response response = RawHttp.send(this.port, "GET", "/api/v1/training-jobs/nope",
				Map.of("Accept", "garbage"), null);
		assertProblem(response, 404, "nope");
	}

}
