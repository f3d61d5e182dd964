package io.cnnservice.training.api;

/** No job with that id. */
public class TrainingJobNotFoundException extends RuntimeException {

	private TrainingJobNotFoundException(String message) {
		super(message);
	}

	public static TrainingJobNotFoundException forId(String id) {
		return new TrainingJobNotFoundException("No training job with id '" + id + "'");
	}

}
