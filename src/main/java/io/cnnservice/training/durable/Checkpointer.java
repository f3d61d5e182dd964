package io.cnnservice.training.durable;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

import ai.djl.nn.Block;
import io.cnnservice.training.api.EpochResult;
import io.cnnservice.training.api.Recovery;
import io.cnnservice.training.jobs.TrainingJob;
import io.cnnservice.training.loop.LoopListener;
import io.cnnservice.training.loop.LoopState;
import io.cnnservice.training.loop.SavedState;
import io.cnnservice.training.optim.JobOptimizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the job's checkpoints: at the end of every epoch, mid-epoch whenever the
 * interval has passed since the last one, and when asked as the loop stops.
 */
public final class Checkpointer implements LoopListener {

	private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);

	private final TrainingJob job;

	private final CheckpointStore store;

	private final Block block;

	private final JobOptimizer optimizer;

	private final Map<String, String> names;

	/** Told how long each checkpoint took (the metrics). */
	private final Consumer<Duration> written;

	/** Nanoseconds between mid-epoch checkpoints; 0 for none. */
	private final long interval;

	private long last;

	/**
	 * @param names the block's parameter names by id
	 * @param written told how long each checkpoint took
	 * @param interval time between mid-epoch checkpoints; zero for none
	 */
	public Checkpointer(TrainingJob job, CheckpointStore store, Block block, JobOptimizer optimizer,
			Map<String, String> names, Consumer<Duration> written, Duration interval) {
		this.job = job;
		this.store = store;
		this.block = block;
		this.optimizer = optimizer;
		this.names = names;
		this.written = written;
		this.interval = interval.toNanos();
		this.last = System.nanoTime();
	}

	@Override
	public void afterBatch(LoopState s) {
		if (this.interval > 0 && System.nanoTime() - this.last >= this.interval) {
			write(s);
		}
	}

	@Override
	public void afterEpoch(LoopState s, EpochResult result) {
		write(s);
	}

	/**
	 * Writes one now. A failure is logged and training goes on: the job can still finish,
	 * and the previous checkpoint stays.
	 */
	public void write(LoopState s) {
		long now = System.nanoTime();
		SavedState saved = s.save(now);
		try {
			CheckpointStore.Written written = this.store.write(this.job.id(), saved, this.block, this.optimizer,
					this.names);
			this.written.accept(Duration.ofNanos((long) (written.seconds() * 1e9)));
			this.job.checkpointed(new Recovery.Position(saved.epoch(), saved.batch(), Instant.now()));
			log.debug("Job {} checkpointed at epoch {}, batch {}: {} bytes in {} s", this.job.id(), saved.epoch(),
					saved.batch(), written.bytes(), written.seconds());
		}
		catch (IOException | RuntimeException ex) {
			log.warn("Job {} could not write a checkpoint at epoch {}, batch {}: {}", this.job.id(), saved.epoch(),
					saved.batch(), ex.getMessage());
		}
		this.last = System.nanoTime();
	}

}
