package io.cnnservice.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import io.cnnservice.TestDatasets;
import io.cnnservice.datasets.formats.IdxFiles;
import io.cnnservice.datasets.formats.ImageFolders;
import io.cnnservice.datasets.formats.ImageSet;

/**
 * Files shaped like what the mirrors serve, made from the committed real images: the
 * official CIFAR-10 binary archive's layout, idx files, and their checksums.
 */
final class TestArchives {

	private TestArchives() {
	}

	/** The committed CIFAR-10 images, decoded. */
	static ImageFolders.Splits cifar() throws IOException {
		return ImageFolders.decode(ImageFolders.entries(new ImageFolders.Source(TestDatasets.cifarArchive(), true)));
	}

	/**
	 * A tar.gz laid out as cifar-10-binary.tar.gz is: the training images spread over
	 * five batches, the test images in the sixth, class names, and a file the service
	 * leaves alone.
	 */
	static byte[] cifarBinaryArchive(ImageFolders.Splits splits) throws IOException {
		Map<String, byte[]> files = new LinkedHashMap<>();
		ImageSet train = splits.train();
		int perBatch = train.count() / 5;
		for (int b = 0; b < 5; b++) {
			int to = (b == 4) ? train.count() : (b + 1) * perBatch;
			files.put("cifar-10-batches-bin/data_batch_" + (b + 1) + ".bin", records(train, b * perBatch, to));
		}
		files.put("cifar-10-batches-bin/test_batch.bin", records(splits.test(), 0, splits.test().count()));
		files.put("cifar-10-batches-bin/batches.meta.txt",
				(String.join("\n", splits.classes()) + "\n\n").getBytes(StandardCharsets.US_ASCII));
		files.put("cifar-10-batches-bin/readme.html", "<html></html>".getBytes(StandardCharsets.US_ASCII));
		return gzip(tar(files));
	}

	/** One label byte and the image's planes, per image. */
	static byte[] records(ImageSet set, int from, int to) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int i = from; i < to; i++) {
			out.write(set.labels()[i]);
			out.write(set.pixels(), i * set.imageSize(), set.imageSize());
		}
		return out.toByteArray();
	}

	/** A ustar archive of regular files, in the given order. */
	static byte[] tar(Map<String, byte[]> files) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (Map.Entry<String, byte[]> file : files.entrySet()) {
			byte[] header = new byte[512];
			put(header, 0, file.getKey());
			put(header, 100, "0000644");
			put(header, 108, "0000000");
			put(header, 116, "0000000");
			put(header, 124, String.format("%011o", file.getValue().length));
			put(header, 136, String.format("%011o", 1577836800L));
			header[156] = '0';
			put(header, 257, "ustar");
			put(header, 263, "00");
			for (int i = 148; i < 156; i++) {
				header[i] = ' ';
			}
			int sum = 0;
			for (byte b : header) {
				sum += b & 0xFF;
			}
			put(header, 148, String.format("%06o", sum));
			header[154] = 0;
			out.writeBytes(header);
			out.writeBytes(file.getValue());
			out.writeBytes(new byte[(512 - file.getValue().length % 512) % 512]);
		}
		out.writeBytes(new byte[1024]);
		return out.toByteArray();
	}

	private static void put(byte[] header, int at, String value) {
		byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
		System.arraycopy(bytes, 0, header, at, bytes.length);
	}

	static byte[] gzip(byte[] data) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
			gz.write(data);
		}
		return out.toByteArray();
	}

	/** A committed MNIST file's content, gzipped anew. */
	static byte[] regzippedMnist(String name) throws IOException {
		return regzipped("mnist", name);
	}

	/** A committed idx file's content, gzipped anew: other bytes, the same content. */
	static byte[] regzipped(String dataset, String name) throws IOException {
		return gzip(idxContent(dataset, name));
	}

	static byte[] idxContent(String dataset, String name) throws IOException {
		try (InputStream in = IdxFiles.open(TestDatasets.root().resolve(dataset).resolve(name + ".gz"))) {
			return in.readAllBytes();
		}
	}

	/** A source for the committed MNIST, its checksums those of the committed content. */
	static DownloadSource mnistSource(List<String> mirrors) throws IOException {
		return idxSource("mnist", mirrors);
	}

	/**
	 * A source for a committed idx dataset, its checksums those of the committed content.
	 */
	static DownloadSource idxSource(String dataset, List<String> mirrors) throws IOException {
		List<DownloadSource.RemoteFile> files = new java.util.ArrayList<>();
		for (String name : IdxFiles.STANDARD_NAMES) {
			byte[] content = idxContent(dataset, name);
			files.add(new DownloadSource.RemoteFile(name + ".gz", content.length / 4,
					DownloadSource.Checksum.ofContent(hex("SHA-256", content))));
		}
		return new DownloadSource(dataset, mirrors, files, false);
	}

	/**
	 * A source for one CIFAR-10 archive, pinned by its SHA-256 and MD5 as the real one
	 * is.
	 */
	static DownloadSource cifarSource(List<String> mirrors, byte[] archive) {
		return new DownloadSource("cifar10", mirrors, List.of(new DownloadSource.RemoteFile("cifar-10-binary.tar.gz",
				archive.length, new DownloadSource.Checksum(hex("SHA-256", archive), hex("MD5", archive), false))),
				true);
	}

	static String hex(String algorithm, byte[] data) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
