package io.cnnservice.datasets;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What the service knows about one dataset, without necessarily having loaded it. Built
 * by field name ({@link #named}), never by position.
 *
 * @param name dataset name (its folder under the datasets root)
 * @param kind {@code standard} (mnist, fashion-mnist, cifar10) or {@code custom}
 * @param state whether it can be trained on, and if not, why not
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
public record DatasetInfo(String name, String kind, State state, String format, List<String> classes,
		List<Integer> inputShape, Integer trainSize, Integer testSize, String location, boolean loaded,
		boolean downloadable, Download download, String problem) {

	/** Where a dataset stands. */
	public enum State {

		/** It can be trained on now. */
		READY,
		/** There is no copy. */
		ABSENT,
		/** A copy is being downloaded. */
		DOWNLOADING,
		/** The latest download failed; {@code problem} says why. */
		FAILED,
		/** There is data, but it cannot be read. */
		INVALID;

		@JsonValue
		public String json() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

		@JsonCreator
		public static State of(String value) {
			return valueOf(value.toUpperCase(java.util.Locale.ROOT));
		}

	}

	/** A dataset of this name, to describe field by field. */
	public static Builder named(String name) {
		return new Builder(name);
	}

	/** The same without where it lives on disk, for callers who may not see paths. */
	public DatasetInfo withoutLocation() {
		return toBuilder().location(null).build();
	}

	/** Whether it can be trained on now. */
	@JsonProperty("ready")
	public boolean ready() {
		return this.state == State.READY;
	}

	/** The shape a network must take for it; null while the shape is not known. */
	public InputSpec inputSpec() {
		if (this.inputShape == null || this.classes == null) {
			return null;
		}
		return new InputSpec(this.inputShape.get(0), this.inputShape.get(1), this.inputShape.get(2),
				this.classes.size());
	}

	private Builder toBuilder() {
		return named(this.name).kind(this.kind)
			.state(this.state)
			.format(this.format)
			.contents(this.classes, this.inputShape)
			.sizes(this.trainSize, this.testSize)
			.location(this.location)
			.loaded(this.loaded)
			.downloadable(this.downloadable)
			.download(this.download)
			.problem(this.problem);
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

	/** Describes a dataset field by field. */
	public static final class Builder {

		private final String name;

		private String kind;

		private State state;

		private String format;

		private List<String> classes;

		private List<Integer> inputShape;

		private Integer trainSize;

		private Integer testSize;

		private String location;

		private boolean loaded;

		private boolean downloadable;

		private Download download;

		private String problem;

		private Builder(String name) {
			this.name = name;
		}

		public Builder kind(String kind) {
			this.kind = kind;
			return this;
		}

		public Builder state(State state) {
			this.state = state;
			return this;
		}

		public Builder format(String format) {
			this.format = format;
			return this;
		}

		/** Its class names in label order, and the shape of one image. */
		public Builder contents(List<String> classes, List<Integer> inputShape) {
			this.classes = classes;
			this.inputShape = inputShape;
			return this;
		}

		/** How many training and test images it has. */
		public Builder sizes(Integer train, Integer test) {
			this.trainSize = train;
			this.testSize = test;
			return this;
		}

		public Builder location(String location) {
			this.location = location;
			return this;
		}

		public Builder loaded(boolean loaded) {
			this.loaded = loaded;
			return this;
		}

		public Builder downloadable(boolean downloadable) {
			this.downloadable = downloadable;
			return this;
		}

		public Builder download(Download download) {
			this.download = download;
			return this;
		}

		public Builder problem(String problem) {
			this.problem = problem;
			return this;
		}

		public DatasetInfo build() {
			return new DatasetInfo(this.name, this.kind, this.state, this.format, this.classes, this.inputShape,
					this.trainSize, this.testSize, this.location, this.loaded, this.downloadable, this.download,
					this.problem);
		}

	}

}
