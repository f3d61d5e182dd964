package io.cnnservice.models;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a model's training job measured at its end, as {@code model.json} records it.
 * Figures a later version of the service adds are skipped when an older one reads them.
 *
 * @param epochs epochs trained
 * @param trainLoss mean training loss of the last epoch
 * @param trainAccuracy training accuracy of the last epoch
 * @param testLoss loss on the test images
 * @param testAccuracy accuracy on the test images
 * @param confusionMatrix counts of (true class, predicted class) on the test images: rows
 * are true classes, columns predicted ones; absent in models trained before it was kept
 * @param trainImages training images
 * @param testImages test images evaluated
 * @param imagesPerSecond mean training speed over the epochs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelMetrics(int epochs, double trainLoss, double trainAccuracy, Double testLoss, Double testAccuracy,
		List<List<Long>> confusionMatrix, int trainImages, int testImages, double imagesPerSecond) {
}
