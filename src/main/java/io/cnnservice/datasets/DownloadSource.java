package io.cnnservice.datasets;

import java.util.List;
import java.util.Map;

import io.cnnservice.datasets.formats.IdxFiles;

/**
 * A standard dataset the service can download: the mirrors it comes from and the files it
 * is made of, each with the checksum it must match before it is used.
 *
 * @param dataset the dataset's name
 * @param mirrors base URLs tried in order; each serves every file under its name
 * @param files what to fetch
 * @param archive whether the one file is the official CIFAR-10 binary archive, unpacked
 * after it is verified, rather than files used as they are
 */
record DownloadSource(String dataset, List<String> mirrors, List<RemoteFile> files, boolean archive) {

	/**
	 * One file of a download.
	 *
	 * @param name its name on the mirror and on disk
	 * @param size its usual size in bytes, for progress until a mirror announces one
	 * @param checksum what it must match
	 */
	record RemoteFile(String name, long size, Checksum checksum) {
	}

	/**
	 * Hex digests a file must match. Idx files are checked by what they decompress to, so
	 * a faithful re-gzip passes; an archive by its own bytes.
	 *
	 * @param sha256 SHA-256
	 * @param md5 MD5 as well, or null
	 * @param ofContent whether the digests are of the decompressed content
	 */
	record Checksum(String sha256, String md5, boolean ofContent) {

		static Checksum ofContent(String sha256) {
			return new Checksum(sha256, null, true);
		}

	}

	/** The standard datasets, by name. */
	static final Map<String, DownloadSource> STANDARD = Map.of("mnist",
			idx("mnist",
					List.of("https://ossci-datasets.s3.amazonaws.com/mnist/",
							"https://storage.googleapis.com/cvdf-datasets/mnist/"),
					new long[] { 9_912_422, 28_881, 1_648_877, 4_542 },
					"ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
					"65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
					"0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
					"ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
			"fashion-mnist",
			idx("fashion-mnist", List.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
					new long[] { 26_421_880, 29_515, 4_422_102, 5_148 },
					"c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
					"bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
					"5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
					"0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
			"cifar10",
			// The official binary version. SHA-256 and size as TensorFlow Datasets pins
			// them
			// (tensorflow_datasets/url_checksums/cifar10.txt); MD5 as the dataset's own
			// page
			// publishes it (https://www.cs.toronto.edu/~kriz/cifar.html). Both must
			// match.
			new DownloadSource("cifar10", List.of("https://www.cs.toronto.edu/~kriz/"),
					List.of(new RemoteFile("cifar-10-binary.tar.gz", 170_052_171,
							new Checksum("c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
									"c32a1d4ab5d03f1284b67883e8d87530", false))),
					true));

	private static DownloadSource idx(String dataset, List<String> mirrors, long[] sizes, String... sha256) {
		List<RemoteFile> files = new java.util.ArrayList<>();
		for (int i = 0; i < IdxFiles.STANDARD_NAMES.size(); i++) {
			files.add(new RemoteFile(IdxFiles.STANDARD_NAMES.get(i) + ".gz", sizes[i], Checksum.ofContent(sha256[i])));
		}
		return new DownloadSource(dataset, mirrors, List.copyOf(files), false);
	}

	/** The same files from other mirrors. */
	DownloadSource withMirrors(List<String> others) {
		return new DownloadSource(this.dataset, List.copyOf(others), this.files, this.archive);
	}

	long totalSize() {
		return this.files.stream().mapToLong(RemoteFile::size).sum();
	}

}
