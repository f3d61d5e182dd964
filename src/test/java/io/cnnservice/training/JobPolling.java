package io.cnnservice.training;

import java.time.Duration;
import java.util.function.Predicate;

import io.cnnservice.training.api.JobStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.web.servlet.assertj.MockMvcTester;

/** Reads jobs through the public API and waits for them. */
public final class JobPolling {

	private final MockMvcTester mvc;

	private final JsonMapper json;

	public JobPolling(MockMvcTester mvc, JsonMapper json) {
		this.mvc = mvc;
		this.json = json;
	}

	public JsonNode get(String path) throws Exception {
		return this.json.readTree(this.mvc.get().uri(path).exchange().getResponse().getContentAsString());
	}

	public JsonNode submit(String body) throws Exception {
		var result = this.mvc.post()
			.uri("/api/v1/training-jobs")
			.contentType("application/json")
			.content(body)
			.exchange();
		if (result.getResponse().getStatus() != 202) {
			throw new AssertionError("submit answered " + result.getResponse().getStatus() + ": "
					+ result.getResponse().getContentAsString());
		}
		return this.json.readTree(result.getResponse().getContentAsString());
	}

	JsonNode waitFor(String id, Predicate<JsonNode> condition, Duration timeout) throws Exception {
		return waitFor(id, condition, timeout, Duration.ofMillis(100));
	}

	JsonNode waitFor(String id, Predicate<JsonNode> condition, Duration timeout, Duration every) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		JsonNode job = get("/api/v1/training-jobs/" + id);
		while (!condition.test(job)) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("job " + id + " did not get there in " + timeout + ": " + job);
			}
			Thread.sleep(every.toMillis());
			job = get("/api/v1/training-jobs/" + id);
		}
		return job;
	}

	public JsonNode waitUntilFinished(String id) throws Exception {
		return waitUntilFinished(id, Duration.ofMillis(100));
	}

	/**
	 * @param every time between reads: benches read seldom, since each read takes CPU
	 * from the job they time
	 */
	public JsonNode waitUntilFinished(String id, Duration every) throws Exception {
		return waitFor(id, j -> JobStatus.valueOf(j.get("status").asString()).isFinished(), Duration.ofMinutes(3),
				every);
	}

}
