package io.cnnservice.inference;

import java.io.IOException;

/**
 * An uploaded file, read only when its turn to be decoded comes, so a request's parts
 * wait on disk or in the container's buffer rather than all in the heap at once.
 *
 * @param name the file name the client gave (or a placeholder)
 * @param content reads its bytes
 */
public record Upload(String name, Content content) {

	/** An upload already in memory. */
	public Upload(String name, byte[] bytes) {
		this(name, () -> bytes);
	}

	/** Reads an upload's bytes. */
	@FunctionalInterface
	public interface Content {

		byte[] read() throws IOException;

	}

}
