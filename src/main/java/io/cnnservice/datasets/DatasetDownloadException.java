package io.cnnservice.datasets;

import io.cnnservice.problems.ClientErrorException;

import org.springframework.http.HttpStatus;

/**
 * A download that cannot start (the dataset is not one that downloads) or that failed at
 * its mirrors.
 */
public class DatasetDownloadException extends ClientErrorException {

	private DatasetDownloadException(String message, boolean failedAtMirror) {
		super(failedAtMirror ? HttpStatus.BAD_GATEWAY : HttpStatus.CONFLICT,
				failedAtMirror ? "download-failed" : "not-downloadable",
				failedAtMirror ? "Download failed" : "Cannot be downloaded", message);
	}

	public static DatasetDownloadException notDownloadable(String name, String reason) {
		return new DatasetDownloadException("Dataset '" + name + "' cannot be downloaded: " + reason, false);
	}

	public static DatasetDownloadException failed(String reason) {
		return new DatasetDownloadException(reason, true);
	}

}
