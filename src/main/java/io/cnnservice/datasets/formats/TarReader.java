package io.cnnservice.datasets.formats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal streaming reader for ustar / GNU tar archives (regular files only, with GNU
 * long names and pax paths), enough to read image-folder datasets shipped as .tar.gz
 * without a compression library.
 */
public final class TarReader {

	private static final int BLOCK = 512;

	private final InputStream in;

	private final byte[] header = new byte[BLOCK];

	private TarReader(InputStream in) {
		this.in = in;
	}

	/** Receives each regular file of an archive. */
	@FunctionalInterface
	public interface EntryHandler {

		void accept(String path, long size, InputStream content) throws IOException;

	}

	/**
	 * Calls the handler for every regular file; the content stream is valid only inside
	 * it.
	 */
	public static void forEachFile(InputStream in, EntryHandler handler) throws IOException {
		new TarReader(in).run(handler);
	}

	private void run(EntryHandler handler) throws IOException {
		String longName = null;
		while (true) {
			int n = this.in.readNBytes(this.header, 0, BLOCK);
			if (n == 0) {
				return;
			}
			if (n < BLOCK) {
				throw new DatasetFormatException("tar archive is truncated inside a header");
			}
			if (isZero(this.header)) {
				return;
			}
			String name = string(0, 100);
			String prefix = string(345, 155);
			long size = octal(124, 12);
			char type = (char) this.header[156];
			if (type == 'L' || type == 'x') {
				byte[] data = this.in.readNBytes((int) size);
				if (data.length < size) {
					throw new DatasetFormatException("tar archive is truncated inside an extended header");
				}
				skip(padding(size));
				longName = (type == 'L') ? trimNul(new String(data, StandardCharsets.UTF_8)) : paxPath(data, longName);
				continue;
			}
			String path = (longName != null) ? longName : (prefix.isEmpty() ? name : prefix + "/" + name);
			longName = null;
			if (type == '0' || type == '\0') {
				BoundedStream content = new BoundedStream(this.in, size);
				handler.accept(path, size, content);
				content.drain();
				skip(padding(size));
			}
			else {
				skip(size + padding(size));
			}
		}
	}

	private static String paxPath(byte[] data, String current) {
		String text = new String(data, StandardCharsets.UTF_8);
		for (String record : text.split("\n")) {
			int space = record.indexOf(' ');
			if (space > 0 && record.startsWith("path=", space + 1)) {
				return record.substring(space + 6);
			}
		}
		return current;
	}

	private static long padding(long size) {
		return (BLOCK - size % BLOCK) % BLOCK;
	}

	private void skip(long n) throws IOException {
		long left = n;
		while (left > 0) {
			long skipped = this.in.skip(left);
			if (skipped <= 0) {
				if (this.in.read() < 0) {
					throw new DatasetFormatException("tar archive is truncated");
				}
				skipped = 1;
			}
			left -= skipped;
		}
	}

	private String string(int offset, int length) {
		int end = offset;
		while (end < offset + length && this.header[end] != 0) {
			end++;
		}
		return new String(this.header, offset, end - offset, StandardCharsets.UTF_8);
	}

	private long octal(int offset, int length) throws DatasetFormatException {
		String s = string(offset, length).trim();
		if (s.isEmpty()) {
			return 0;
		}
		try {
			return Long.parseLong(s, 8);
		}
		catch (NumberFormatException ex) {
			throw new DatasetFormatException("not a tar archive (bad size field '" + s + "')");
		}
	}

	private static boolean isZero(byte[] block) {
		for (byte b : block) {
			if (b != 0) {
				return false;
			}
		}
		return true;
	}

	private static String trimNul(String s) {
		int i = s.indexOf('\0');
		return (i >= 0) ? s.substring(0, i) : s;
	}

	/**
	 * Exposes exactly one entry's bytes and lets the reader skip what the handler left.
	 */
	private static final class BoundedStream extends InputStream {

		private final InputStream in;

		private long left;

		BoundedStream(InputStream in, long size) {
			this.in = in;
			this.left = size;
		}

		@Override
		public int read() throws IOException {
			if (this.left <= 0) {
				return -1;
			}
			int b = this.in.read();
			if (b < 0) {
				throw new DatasetFormatException("tar archive is truncated inside an entry");
			}
			this.left--;
			return b;
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			if (this.left <= 0) {
				return -1;
			}
			int n = this.in.read(b, off, (int) Math.min(len, this.left));
			if (n < 0) {
				throw new DatasetFormatException("tar archive is truncated inside an entry");
			}
			this.left -= n;
			return n;
		}

		@Override
		public void close() {
			// the archive stream stays open for the next entry
		}

		void drain() throws IOException {
			byte[] buf = new byte[8192];
			while (read(buf, 0, buf.length) > 0) {
				// discard what the handler did not read
			}
		}

	}

}
