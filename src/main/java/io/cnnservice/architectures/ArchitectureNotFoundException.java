package io.cnnservice.architectures;

import java.util.Collection;

/** No architecture of that name. */
public class ArchitectureNotFoundException extends RuntimeException {

	private ArchitectureNotFoundException(String message) {
		super(message);
	}

	public static ArchitectureNotFoundException forName(String name, Collection<String> known) {
		return new ArchitectureNotFoundException(
				"Unknown architecture '" + name + "'; known: " + String.join(", ", known));
	}

}
