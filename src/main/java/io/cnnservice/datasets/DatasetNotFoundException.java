package io.cnnservice.datasets;

/** No dataset of that name exists under the datasets root, and none is standard. */
public class DatasetNotFoundException extends RuntimeException {

	private final String name;

	private DatasetNotFoundException(String name, String message) {
		super(message);
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
