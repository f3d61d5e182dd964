package io.cnnservice.datasets;

import io.cnnservice.problems.ClientErrorException;

import org.springframework.http.HttpStatus;

/** No dataset of that name exists under the datasets root, and none is standard. */
public class DatasetNotFoundException extends ClientErrorException {

	private final String name;

	private DatasetNotFoundException(String name, String message) {
		super(HttpStatus.NOT_FOUND, "not-found", "Not found", message);
		this.name = name;
	}

	public static DatasetNotFoundException forName(String name) {
		return new DatasetNotFoundException(name, "Unknown dataset '" + name
				+ "': it is neither a standard dataset (mnist, fashion-mnist, cifar10) nor a folder under the datasets root");
	}

	public String name() {
		return this.name;
	}

}
