package io.cnnservice.datasets;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What the service knows about one dataset, without necessarily having loaded it.
 *
 * @param name dataset name (its folder under the datasets root)
 * @param kind {@code standard} (mnist, fashion-mnist, cifar10) or {@code custom}
 * @param state {@code ready}, {@code absent}, {@code downloading}, {@code failed} (the
 * latest download failed) or {@code invalid} (there is data, but it cannot be read)
 * @param format how it is stored: {@code idx}, {@code cifar-binary},
 * {@code image-folders} or {@code image-folders-archive}; null when missing
 * @param classes class names in label order
 * @param inputShape channels, height, width
 * @param trainSize training images
 * @param testSize test images
 * @param location the folder or archive it is read from
 * @param loaded whether its tensors are cached in memory
 * @param downloadable whether a missing copy can be downloaded
 * @param download how far the running download has come
 * @param problem why it is not ready
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "name", "kind", "state", "ready" })
public record DatasetInfo(String name, String kind, String state, String format, List<String> classes,
		List<Integer> inputShape, Integer trainSize, Integer testSize, String location, boolean loaded,
		boolean downloadable, Download download, String problem) {

	public static final String READY = "ready";

	public static final String ABSENT = "absent";

	public static final String DOWNLOADING = "downloading";

	public static final String FAILED = "failed";

	public static final String INVALID = "invalid";

	/** The same without where it lives on disk, for callers who may not see paths. */
	public DatasetInfo withoutLocation() {
		return new DatasetInfo(this.name, this.kind, this.state, this.format, this.classes, this.inputShape,
				this.trainSize, this.testSize, null, this.loaded, this.downloadable, this.download, this.problem);
	}

	/** Whether it can be trained on now. */
	@JsonProperty("ready")
	public boolean ready() {
		return READY.equals(this.state);
	}

	/**
	 * A download under way.
	 *
	 * @param bytesDone bytes received
	 * @param bytesTotal bytes in all (announced by the mirror, else the usual size)
	 * @param percent share received
	 * @param source the URL being read
	 */
	public record Download(long bytesDone, long bytesTotal, double percent, String source) {

		static Download of(DownloadProgress progress) {
			long total = progress.bytesTotal();
			double percent = (total > 0) ? Math.round(1000.0 * progress.bytesDone() / total) / 10.0 : 0;
			return new Download(progress.bytesDone(), total, percent, progress.source());
		}

	}

}
