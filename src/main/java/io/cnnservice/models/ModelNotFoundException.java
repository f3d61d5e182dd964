package io.cnnservice.models;

/** No model (or no such version of it) in the store. */
public class ModelNotFoundException extends RuntimeException {

	private ModelNotFoundException(String message) {
		super(message);
	}

	public static ModelNotFoundException forName(String name) {
		return new ModelNotFoundException("No model named '" + name + "' in the model store");
	}

	public static ModelNotFoundException forVersion(String name, int version) {
		return new ModelNotFoundException("Model '" + name + "' has no version " + version);
	}

}
