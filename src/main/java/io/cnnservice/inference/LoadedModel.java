package io.cnnservice.inference;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import io.cnnservice.architectures.ArchitectureCatalog;
import io.cnnservice.architectures.ArchitectureOptions;
import io.cnnservice.datasets.InputSpec;
import io.cnnservice.engine.ChannelsLast;
import io.cnnservice.engine.EngineRuntime;
import io.cnnservice.models.ModelMetadata;
import io.cnnservice.models.TestTimeViews;

/**
 * One model version loaded for serving, with a fixed pool of predictors (a DJL Predictor
 * must never be shared between threads). Closed when evicted, once its last user is done.
 */
final class LoadedModel implements AutoCloseable {

	private final ModelMetadata metadata;

	private final InputSpec spec;

	private final Model model;

	private final BlockingQueue<Predictor<Batch, float[]>> pool;

	private final List<Predictor<Batch, float[]>> all = new ArrayList<>();

	private int users;

	private boolean evicted;

	private boolean closed;

	LoadedModel(ModelMetadata metadata, Path versionDir, ArchitectureCatalog architectures, Device device, int poolSize)
			throws IOException {
		this.metadata = metadata;
		List<Integer> shape = metadata.network().inputShape();
		InputSpec spec = new InputSpec(shape.get(0), shape.get(1), shape.get(2), metadata.network().classes().size());
		this.spec = spec;
		ArchitectureOptions options = ArchitectureOptions.fromRecorded(metadata.network().architectureOptions());
		this.model = Model.newInstance(metadata.name(), device, EngineRuntime.ENGINE_NAME);
		try {
			this.model.setBlock(architectures.get(metadata.network().architecture()).build(spec, options));
			this.model.load(versionDir, "model");
		}
		catch (MalformedModelException | IOException | RuntimeException ex) {
			this.model.close();
			throw new IOException(
					"cannot load " + metadata.name() + " version " + metadata.version() + ": " + ex.getMessage(), ex);
		}
		// fair: waiting requests get predictors in arrival order, which keeps the latency
		// tail short
		this.pool = new ArrayBlockingQueue<>(poolSize, true);
		for (int i = 0; i < poolSize; i++) {
			Predictor<Batch, float[]> p = this.model.newPredictor(new BatchTranslator(spec));
			this.all.add(p);
			this.pool.add(p);
		}
	}

	ModelMetadata metadata() {
		return this.metadata;
	}

	int poolSize() {
		return this.all.size();
	}

	int idlePredictors() {
		return this.pool.size();
	}

	/** Marks a request as using this model; false once it is closed. */
	synchronized boolean retain() {
		if (this.closed) {
			return false;
		}
		this.users++;
		return true;
	}

	synchronized void release() {
		this.users--;
		if (this.evicted && this.users == 0) {
			closeNow();
		}
	}

	/** Closes now, or after the requests still using it are done. */
	synchronized void evict() {
		this.evicted = true;
		if (this.users == 0) {
			closeNow();
		}
	}

	/**
	 * Class probabilities for a batch of prepared images.
	 * @param images {@code n} images of channels x height x width floats, back to back
	 * @param views the views each image is scored under: the model's recorded ones, or
	 * {@link TestTimeViews#NONE} for one pass
	 * @param maxPass most images times views one forward pass may hold: a larger batch
	 * runs in several passes on the same predictor, which bounds the engine's memory
	 * @return {@code n x classes} probabilities, row by row
	 * @throws PoolSaturatedException when no predictor frees up in time
	 */
	float[] predict(float[] images, TestTimeViews views, int maxPass, long timeoutMillis, int retryAfterSeconds)
			throws TranslateException {
		Predictor<Batch, float[]> predictor;
		try {
			predictor = this.pool.poll(timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PoolSaturatedException(this.metadata.name(), this.all.size(), retryAfterSeconds);
		}
		if (predictor == null) {
			throw new PoolSaturatedException(this.metadata.name(), this.all.size(), retryAfterSeconds);
		}
		try {
			int imageSize = this.spec.channels() * this.spec.height() * this.spec.width();
			int n = images.length / imageSize;
			int perPass = Math.max(1, maxPass / views.count());
			if (n <= perPass) {
				return predictor.predict(new Batch(images, views));
			}
			int classes = this.spec.classes();
			float[] probabilities = new float[n * classes];
			for (int first = 0; first < n; first += perPass) {
				int count = Math.min(perPass, n - first);
				float[] part = Arrays.copyOfRange(images, first * imageSize, (first + count) * imageSize);
				System.arraycopy(predictor.predict(new Batch(part, views)), 0, probabilities, first * classes,
						count * classes);
			}
			return probabilities;
		}
		finally {
			this.pool.add(predictor);
		}
	}

	private synchronized void closeNow() {
		if (!this.closed) {
			this.closed = true;
			this.all.forEach(Predictor::close);
			this.model.close();
		}
	}

	@Override
	public void close() {
		evict();
	}

	/**
	 * A predictor's input: the images and the views to score them under. The views travel
	 * with each call, not with the predictor, so one pool serves a model with and without
	 * its test-time views.
	 *
	 * @param images {@code n} prepared images, back to back
	 * @param views the views of each image
	 */
	record Batch(float[] images, TestTimeViews views) {
	}

	/**
	 * Turns a flat float batch into an NDArray on the predictor's own manager and the
	 * logits back into probabilities, so every native array of a prediction is freed when
	 * it returns. With test-time views (flips, shifts), the batch runs together with its
	 * views and each image's logits are the mean over its views, as in the training job's
	 * evaluation.
	 */
	private static final class BatchTranslator implements Translator<Batch, float[]> {

		private static final String VIEWS = "views";

		private final InputSpec spec;

		BatchTranslator(InputSpec spec) {
			this.spec = spec;
		}

		@Override
		public NDList processInput(TranslatorContext ctx, Batch input) {
			int size = this.spec.channels() * this.spec.height() * this.spec.width();
			NDArray array = ctx.getNDManager()
				.create(FloatBuffer.wrap(input.images()), new Shape(input.images().length / size, this.spec.channels(),
						this.spec.height(), this.spec.width()));
			ctx.setAttachment(VIEWS, input.views());
			return new NDList(ChannelsLast.of(input.views().expand(array)));
		}

		@Override
		public float[] processOutput(TranslatorContext ctx, NDList list) {
			TestTimeViews views = (TestTimeViews) ctx.getAttachment(VIEWS);
			return views.mean(list.singletonOrThrow()).softmax(1).toFloatArray();
		}

		@Override
		public Batchifier getBatchifier() {
			// requests are batched by the caller: one input here is already a whole batch
			return null;
		}

	}

}
