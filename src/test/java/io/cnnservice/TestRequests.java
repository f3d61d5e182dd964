package io.cnnservice;

import io.cnnservice.training.api.TrainingRequest;
import tools.jackson.databind.json.JsonMapper;

/**
 * Training requests for tests, written as the JSON a user would send: a request has many
 * optional fields, and spelling them out by position made every new option touch every
 * test that built one.
 */
public final class TestRequests {

	private static final JsonMapper JSON = JsonMapper.builder().findAndAddModules().build();

	private TestRequests() {
	}

	/** The request the JSON body describes, as the controller would bind it. */
	public static TrainingRequest parse(String json) {
		return JSON.readValue(json, TrainingRequest.class);
	}

}
