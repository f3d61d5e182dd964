package io.cnnservice.datasets;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the service knows about one dataset, without necessarily having loaded it.
 *
 * @param name dataset name (its folder under the datasets root)
 * @param kind {@code standard} (mnist, fashion-mnist, cifar10) or {@code custom}
 * @param format how it is stored: {@code idx}, {@code cifar-binary},
 * {@code image-folders} or {@code image-folders-archive}; null when missing
 * @param classes class names in label order
 * @param inputShape channels, height, width
 * @param trainSize training images
 * @param testSize test images
 * @param location the folder or archive it is read from
 * @param ready whether it can be trained on now
 * @param loaded whether its tensors are cached in memory
 * @param downloadable whether a missing copy would be downloaded on first use
 * @param problem why it is not ready
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetInfo(String name, String kind, String format, List<String> classes, List<Integer> inputShape,
		Integer trainSize, Integer testSize, String location, boolean ready, boolean loaded, boolean downloadable,
		String problem) {

}
