package io.cnnservice.security;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import io.cnnservice.RawHttp;
import io.cnnservice.TestStore;
import io.cnnservice.TestUploads;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without keys the service is open to read and classify, and only a client on its own
 * machine, not a browser page elsewhere, may change anything.
 */
@TestStore(TestStore.Contents.SHIPPED)
class ProtectedModeTest {

	static final String FAR_CLIENT = "203.0.113.7";

	static RawHttp.Response cancel(int port, Map<String, String> headers) throws IOException {
		return RawHttp.send(port, "POST", "/api/v1/training-jobs/nope/cancel", headers, new byte[0]);
	}

	static RawHttp.Response classify(int port, Map<String, String> headers) throws IOException {
		java.util.Map<String, String> all = new java.util.LinkedHashMap<>(headers);
		all.put("Content-Type", TestUploads.MULTIPART_TYPE);
		return RawHttp.send(port, "POST", "/api/v1/models/lenet-mnist/classify", all,
				TestUploads.multipart(TestUploads.sevenPng(), 1));
	}

	/** The service as started on a laptop: no keys, no proxy settings. */
	@Nested
	@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
	class NoKeys {

		/** The model store the service runs on. */
		@Value("${cnn.model-store.root}")
		Path store;

		@LocalServerPort
		int port;

		@Test
		void aLocalClientMayChangeThingsAndEveryoneMayReadAndClassify() throws IOException {
			assertThat(cancel(this.port, Map.of()).status()).as("allowed, and the job is unknown").isEqualTo(404);
			Map<String, String> far = Map.of("X-Forwarded-For", FAR_CLIENT);
			assertThat(RawHttp.send(this.port, "GET", "/api/v1/models", far, null).status()).isEqualTo(200);
			assertThat(classify(this.port, far).status()).isEqualTo(200);
		}

		@Test
		void aMutationThroughAProxyIsRefusedWithHowToConfigureKeys() throws IOException {
			RawHttp.Response response = cancel(this.port, Map.of("X-Forwarded-For", FAR_CLIENT));
			assertThat(response.status()).isEqualTo(401);
			assertThat(response.header("Content-Type")).startsWith("application/problem+json");
			assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
			assertThat(response.text()).contains("no API keys configured").contains("CNN_API_KEYS_FILE");
			RawHttp.Response delete = RawHttp.send(this.port, "DELETE", "/api/v1/models/lenet-mnist/versions/1",
					Map.of("Forwarded", "for=" + FAR_CLIENT), null);
			assertThat(delete.status()).isEqualTo(401);
			assertThat(this.store.resolve("lenet-mnist")).isDirectory();
		}

		@Test
		void aPageElsewhereCannotUseTheLocalClientsRights() throws IOException {
			// DNS rebinding: a page at evil.example resolved to 127.0.0.1
			RawHttp.Response rebound = RawHttp.send(this.port,
					"POST /api/v1/training-jobs/nope/cancel HTTP/1.1\r\nHost: evil.example:" + this.port
							+ "\r\nContent-Length: 0",
					new byte[0]);
			assertThat(rebound.status()).isEqualTo(403);
			assertThat(rebound.text()).contains("foreign Origin or Host");
			// a page on another site posting a form to localhost
			RawHttp.Response crossSite = cancel(this.port, Map.of("Origin", "https://evil.example"));
			assertThat(crossSite.status()).isEqualTo(403);
			assertThat(crossSite.text()).contains("cross-site");
			assertThat(cancel(this.port, Map.of("Origin", "http://localhost:" + this.port)).status()).isEqualTo(404);
		}

		@Test
		void aPresentedKeyIsCheckedEvenWithoutKeys() throws IOException {
			assertThat(cancel(this.port, Map.of("Authorization", "Bearer guess")).status()).isEqualTo(401);
		}

	}

	/**
	 * Behind a trusted proxy on the same machine, the forwarded address is the client's.
	 */
	@Nested
	@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
			"server.address=127.0.0.1", "server.forward-headers-strategy=native", "cnn.security.anonymous-roles=read" })
	class TrustedProxy {

		@LocalServerPort
		int port;

		@Test
		void theForwardedClientAddressDecides() throws IOException {
			assertThat(cancel(this.port, Map.of("X-Forwarded-For", FAR_CLIENT)).status()).isEqualTo(401);
			assertThat(cancel(this.port, Map.of("X-Forwarded-For", "127.0.0.1")).status())
				.as("a local client through a local proxy")
				.isEqualTo(404);
		}

		@Test
		void anonymousRolesOpenOnlyWhatTheySay() throws IOException {
			Map<String, String> far = Map.of("X-Forwarded-For", FAR_CLIENT);
			assertThat(RawHttp.send(this.port, "GET", "/api/v1/models", far, null).status()).isEqualTo(200);
			RawHttp.Response classify = classify(this.port, far);
			assertThat(classify.status()).isEqualTo(401);
			assertThat(classify.text()).contains("needs the role 'infer'");
		}

	}

}
