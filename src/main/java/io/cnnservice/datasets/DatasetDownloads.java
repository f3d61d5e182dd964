package io.cnnservice.datasets;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Runs dataset downloads off the request threads, one at a time per dataset, and keeps
 * the state of the latest one for each so that anyone can see it.
 */
@Component
public class DatasetDownloads implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(DatasetDownloads.class);

	private final DatasetProperties properties;

	private final DatasetDownloader downloader;

	private final Map<String, Download> latest = new ConcurrentHashMap<>();

	// one thread per standard dataset at most; idle threads go
	private final ThreadPoolExecutor executor;

	public DatasetDownloads(DatasetProperties properties, DatasetDownloader downloader) {
		this.properties = properties;
		this.downloader = downloader;
		AtomicInteger count = new AtomicInteger();
		this.executor = new ThreadPoolExecutor(3, 3, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), (r) -> {
			Thread t = new Thread(r, "download-" + count.incrementAndGet());
			t.setDaemon(true);
			return t;
		});
		this.executor.allowCoreThreadTimeOut(true);
	}

	/** One download of one dataset. */
	public static final class Download {

		private final DownloadProgress progress;

		private final CompletableFuture<Void> done = new CompletableFuture<>();

		private Download(long expectedBytes) {
			this.progress = new DownloadProgress(expectedBytes);
		}

		/** Whether it is still running. */
		public boolean running() {
			return !this.done.isDone();
		}

		/** Why it failed, or null if it has not (yet). */
		public String failure() {
			if (!this.done.isCompletedExceptionally()) {
				return null;
			}
			try {
				this.done.join();
				return null;
			}
			catch (RuntimeException ex) {
				Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
				return cause.getMessage();
			}
		}

		DownloadProgress progress() {
			return this.progress;
		}

	}

	public boolean canDownload(String dataset) {
		return this.downloader.canDownload(dataset);
	}

	/** The latest download of a dataset in this process, if there was one. */
	public Optional<Download> latest(String dataset) {
		return Optional.ofNullable(this.latest.get(dataset));
	}

	/**
	 * Starts downloading the dataset into its folder under the root, unless a download of
	 * it is running already; either way returns the one that runs.
	 */
	public synchronized Download start(String dataset) {
		Download running = this.latest.get(dataset);
		if (running != null && running.running()) {
			return running;
		}
		DownloadSource source = this.downloader.source(dataset);
		Download download = new Download(source.totalSize());
		this.latest.put(dataset, download);
		Path dir = this.properties.root().resolve(dataset);
		log.info("Downloading {} into {} ({} MB)", dataset, dir, String.format("%.1f", source.totalSize() / 1e6));
		this.executor.execute(() -> {
			long start = System.nanoTime();
			try {
				this.downloader.download(dataset, dir, download.progress);
				log.info("Downloaded {} in {} s", dataset, (System.nanoTime() - start) / 1_000_000_000);
				download.done.complete(null);
			}
			catch (RuntimeException ex) {
				log.warn("Download of {} failed: {}", dataset, ex.getMessage());
				download.done.completeExceptionally(ex);
			}
			finally {
				// nobody waits for the transfer once the download is over
				download.progress.transferring().complete(null);
			}
		});
		return download;
	}

	/**
	 * Waits up to {@code limit} for the download to send data or end, so that a request
	 * can report a failure at once: true once data flows or the download is over.
	 */
	public boolean awaitTransfer(Download download, Duration limit) throws InterruptedException {
		try {
			download.progress.transferring().get(limit.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (ExecutionException ex) {
			return true;
		}
	}

	/**
	 * Downloads the dataset, or waits for the download that runs, and returns once it is
	 * in place.
	 * @throws DatasetUnavailableException when the download fails
	 */
	public void download(String dataset) {
		Download download = start(dataset);
		try {
			download.done.get();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof DatasetUnavailableException unavailable) {
				throw unavailable;
			}
			throw DatasetUnavailableException.because(dataset, String.valueOf(ex.getCause().getMessage()),
					ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw DatasetUnavailableException.because(dataset, "interrupted while waiting for the download");
		}
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}
