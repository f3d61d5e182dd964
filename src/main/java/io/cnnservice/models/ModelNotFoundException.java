package io.cnnservice.models;

import io.cnnservice.problems.ClientErrorException;

import org.springframework.http.HttpStatus;

/** No model (or no such version of it) in the store. */
public class ModelNotFoundException extends ClientErrorException {

	private ModelNotFoundException(String message) {
		super(HttpStatus.NOT_FOUND, "not-found", "Not found", message);
	}

	public static ModelNotFoundException forName(String name) {
		return new ModelNotFoundException("No model named '" + name + "' in the model store");
	}

	public static ModelNotFoundException forVersion(String name, int version) {
		return new ModelNotFoundException("Model '" + name + "' has no version " + version);
	}

}
