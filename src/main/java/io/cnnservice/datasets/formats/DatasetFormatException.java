package io.cnnservice.datasets.formats;

import java.io.IOException;

/** A dataset file exists but does not hold what its format promises. */
public class DatasetFormatException extends IOException {

	public DatasetFormatException(String message) {
		super(message);
	}

}
