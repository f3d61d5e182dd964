package io.cnnservice.training.api;

/**
 * Where a job is now.
 *
 * @param phase {@code queued}, {@code loading-data}, {@code training},
 * {@code evaluating}, {@code saving} or {@code done}
 * @param epoch current epoch, from 1
 * @param epochs epochs requested
 * @param batch batches done in the current epoch
 * @param batches batches per epoch
 * @param percent share of all training batches done
 * @param imagesPerSecond training speed in the current epoch
 * @param elapsedSeconds seconds since the job started
 * @param etaSeconds estimated seconds left
 * @param runningLoss mean loss over the current epoch so far
 * @param runningAccuracy training accuracy over the current epoch so far
 */
public record Progress(String phase, int epoch, int epochs, int batch, int batches, double percent,
		double imagesPerSecond, double elapsedSeconds, Double etaSeconds, Double runningLoss, Double runningAccuracy) {

	public static Progress queued(int epochs) {
		return new Progress("queued", 0, epochs, 0, 0, 0, 0, 0, null, null, null);
	}

	public Progress inPhase(String newPhase) {
		return new Progress(newPhase, this.epoch, this.epochs, this.batch, this.batches, this.percent,
				this.imagesPerSecond, this.elapsedSeconds, this.etaSeconds, this.runningLoss, this.runningAccuracy);
	}

}
