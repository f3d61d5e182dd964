package io.cnnservice.datasets;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far one download has come, written by the thread that downloads and read by
 * requests that ask.
 */
final class DownloadProgress {

	private final AtomicLong done = new AtomicLong();

	private final AtomicLong total;

	private volatile String source;

	/**
	 * Completes when the first bytes of data have arrived (or the download has ended).
	 */
	private final CompletableFuture<Void> transferring = new CompletableFuture<>();

	DownloadProgress(long expectedTotal) {
		this.total = new AtomicLong(expectedTotal);
	}

	/**
	 * A mirror answers with a file: its URL, and the size it announces in place of the
	 * size expected for that file (-1 when it announces none).
	 */
	void begin(String url, long expected, long announced) {
		this.source = url;
		if (announced >= 0) {
			this.total.addAndGet(announced - expected);
		}
	}

	void add(long bytes) {
		this.done.addAndGet(bytes);
		// not on the mirror's headers: one who asks right after must see bytes received
		if (bytes > 0) {
			this.transferring.complete(null);
		}
	}

	/** A transfer broke off: its bytes and announced size no longer count. */
	void undo(long bytes, long expected, long announced) {
		this.done.addAndGet(-bytes);
		if (announced >= 0) {
			this.total.addAndGet(expected - announced);
		}
	}

	long bytesDone() {
		return this.done.get();
	}

	long bytesTotal() {
		return Math.max(this.total.get(), this.done.get());
	}

	String source() {
		return this.source;
	}

	CompletableFuture<Void> transferring() {
		return this.transferring;
	}

}
