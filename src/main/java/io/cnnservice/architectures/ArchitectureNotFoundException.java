package io.cnnservice.architectures;

import java.util.Collection;

import io.cnnservice.problems.ClientErrorException;

import org.springframework.http.HttpStatus;

/** No architecture of that name. */
public class ArchitectureNotFoundException extends ClientErrorException {

	private ArchitectureNotFoundException(String message) {
		super(HttpStatus.NOT_FOUND, "not-found", "Not found", message);
	}

	public static ArchitectureNotFoundException forName(String name, Collection<String> known) {
		return new ArchitectureNotFoundException(
				"Unknown architecture '" + name + "'; known: " + String.join(", ", known));
	}

}
