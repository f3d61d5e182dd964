package io.cnnservice.models;

import java.util.List;

/**
 * A model and its versions.
 *
 * @param name model name
 * @param latestVersion highest version
 * @param versions every version's metadata, oldest first
 */
public record ModelSummary(String name, int latestVersion, List<ModelMetadata> versions) {
}
