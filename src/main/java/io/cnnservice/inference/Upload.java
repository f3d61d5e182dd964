package io.cnnservice.inference;

/**
 * An uploaded file.
 *
 * @param name the file name the client gave (or a placeholder)
 * @param bytes its content
 */
public record Upload(String name, byte[] bytes) {
}
