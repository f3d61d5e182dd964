package io.cnnservice.training.api;

import io.cnnservice.problems.ClientErrorException;

import org.springframework.http.HttpStatus;

/** No job with that id. */
public class TrainingJobNotFoundException extends ClientErrorException {

	private TrainingJobNotFoundException(String message) {
		super(HttpStatus.NOT_FOUND, "not-found", "Not found", message);
	}

	public static TrainingJobNotFoundException forId(String id) {
		return new TrainingJobNotFoundException("No training job with id '" + id + "'");
	}

}
