package io.cnnservice.inference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import ai.djl.translate.TranslateException;
import io.cnnservice.architectures.ArchitectureCatalog;
import io.cnnservice.engine.EngineRuntime;
import io.cnnservice.engine.EngineWork;
import io.cnnservice.metrics.InferenceMetrics;
import io.cnnservice.models.ModelMetadata;
import io.cnnservice.models.ModelNotFoundException;
import io.cnnservice.models.ModelStore;
import io.cnnservice.models.TestTimeViews;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Serves models from the store: resolves a name and version on every request (so a new or
 * deleted version is noticed at once), keeps recently used models loaded in a bounded LRU
 * cache, and runs each request's images as one batch on a pooled predictor.
 */
@Service
public class ModelServing {

	private static final Logger log = LoggerFactory.getLogger(ModelServing.class);

	private final ModelStore store;

	private final ArchitectureCatalog architectures;

	private final EngineRuntime runtime;

	private final ImageDecoder decoder;

	private final InferenceProperties properties;

	/** Keyed by name, version and parameter hash: a re-created version is a new entry. */
	private final LinkedHashMap<String, LoadedModel> cache = new LinkedHashMap<>(16, 0.75f, true);

	private final InferenceMetrics metrics;

	private final EngineWork work;

	public ModelServing(ModelStore store, ArchitectureCatalog architectures, EngineRuntime runtime,
			ImageDecoder decoder, InferenceProperties properties, InferenceMetrics metrics, EngineWork work) {
		this.metrics = metrics;
		this.work = work;
		this.store = store;
		this.architectures = architectures;
		this.runtime = runtime;
		this.decoder = decoder;
		this.properties = properties;
	}

	/** The metadata of a version, or of the latest when {@code version} is null. */
	public ModelMetadata resolve(String name, Integer version) {
		try {
			ModelMetadata metadata = (version == null) ? this.store.latest(name) : this.store.get(name, version);
			registerMetrics(metadata.name());
			return metadata;
		}
		catch (ModelNotFoundException ex) {
			forget(name, version);
			throw ex;
		}
	}

	/**
	 * Series exist for every stored model from start-up, not only after its first
	 * request.
	 */
	@PostConstruct
	void registerStoredModels() {
		this.store.list().forEach(m -> registerMetrics(m.name()));
	}

	private void registerMetrics(String model) {
		this.metrics.register(model, this, s -> s.predictors(model, true), s -> s.predictors(model, false));
	}

	/** Busy predictors (or all predictors) across the loaded versions of a model. */
	synchronized int predictors(String model, boolean busyOnly) {
		int n = 0;
		for (Map.Entry<String, LoadedModel> e : this.cache.entrySet()) {
			if (e.getKey().startsWith(model + "/")) {
				n += busyOnly ? e.getValue().poolSize() - e.getValue().idlePredictors() : e.getValue().poolSize();
			}
		}
		return n;
	}

	/**
	 * How a classify request wants its answer.
	 *
	 * @param topK classes per file
	 * @param testTimeViews score each image under the views the model was evaluated with
	 * (its {@code model.json} preprocessing); false scores the image alone, one pass
	 * instead of up to ten
	 * @param returnInput send each image back as the model was given it
	 */
	public record ClassifyOptions(int topK, boolean testTimeViews, boolean returnInput) {
	}

	/**
	 * Classifies uploaded images with one forward pass, as the options ask.
	 * @see ClassifyOptions
	 */
	public ClassificationResult classify(String name, Integer version, List<Upload> uploads, ClassifyOptions options) {
		int topK = options.topK();
		boolean testTimeViews = options.testTimeViews();
		long start = System.nanoTime();
		ModelMetadata metadata = resolve(name, version);
		InferenceMetrics.Outcome outcome = InferenceMetrics.Outcome.ERROR;
		try {
			ClassificationResult result = classify(metadata, topK, uploads, views(metadata, testTimeViews),
					options.returnInput(), start);
			outcome = InferenceMetrics.Outcome.SUCCESS;
			this.metrics.images(metadata.name()).increment(uploads.size());
			return result;
		}
		catch (InvalidImageException | InvalidInferenceRequestException ex) {
			outcome = InferenceMetrics.Outcome.CLIENT_ERROR;
			throw ex;
		}
		catch (PoolSaturatedException ex) {
			outcome = InferenceMetrics.Outcome.BUSY;
			throw ex;
		}
		finally {
			this.metrics.timer(metadata.name(), outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
		}
	}

	private ClassificationResult classify(ModelMetadata metadata, int topK, List<Upload> uploads, TestTimeViews views,
			boolean returnInput, long start) {
		int classes = metadata.network().classes().size();
		if (topK < 1 || topK > classes) {
			throw new InvalidInferenceRequestException("topK",
					"topK must be between 1 and " + classes + " (the model's classes), got " + topK);
		}
		if (uploads.isEmpty()) {
			throw new InvalidInferenceRequestException("file",
					"Send at least one image as a multipart part named 'file'");
		}
		if (uploads.size() > this.properties.maxFiles()) {
			throw new InvalidInferenceRequestException("file", "At most " + this.properties.maxFiles()
					+ " files per request (cnn.inference.max-files), got " + uploads.size());
		}
		List<Integer> shape = metadata.network().inputShape();
		int size = shape.get(0) * shape.get(1) * shape.get(2);
		float[] batch = new float[uploads.size() * size];
		double[] prepMillis = new double[uploads.size()];
		PixelBudget budget = new PixelBudget(this.properties.maxRequestPixels());
		String[] inputs = new String[uploads.size()];
		for (int i = 0; i < uploads.size(); i++) {
			long t = System.nanoTime();
			Upload upload = uploads.get(i);
			int index = i;
			// the bytes too are read inside a decode slot: what the heap holds for
			// decoding is bounded by the slots, not by the requests
			float[] prepared = this.decoder.withSlot(() -> {
				byte[] bytes = read(upload);
				float[] crop = Preprocessor.crop(this.decoder.decode(upload.name(), bytes, budget), metadata);
				if (returnInput) {
					inputs[index] = Preprocessor.dataUrl(crop, metadata);
				}
				return Preprocessor.normalise(crop, metadata);
			});
			System.arraycopy(prepared, 0, batch, i * size, size);
			prepMillis[i] = (System.nanoTime() - t) / 1e6;
		}
		long inferenceStart = System.nanoTime();
		float[] probabilities = forward(metadata, batch, views);
		double inferenceMillis = (System.nanoTime() - inferenceStart) / 1e6;
		List<ClassificationResult.FileResult> results = new ArrayList<>();
		for (int i = 0; i < uploads.size(); i++) {
			int row = i;
			List<ClassificationResult.Prediction> top = IntStream.range(0, classes)
				.boxed()
				.sorted(Comparator.comparingDouble((Integer c) -> probabilities[row * classes + c]).reversed())
				.limit(topK)
				.map(c -> new ClassificationResult.Prediction(metadata.network().classes().get(c),
						probabilities[row * classes + c]))
				.toList();
			results.add(new ClassificationResult.FileResult(uploads.get(i).name(), top, prepMillis[i], inputs[i]));
		}
		return new ClassificationResult(metadata.name(), metadata.version(), views.count(), results, inferenceMillis,
				(System.nanoTime() - start) / 1e6);
	}

	/**
	 * Class probabilities for prepared inputs (n x channels x height x width, back to
	 * back), timed and counted like a classify request.
	 * @param testTimeViews as for {@link #classify}
	 * @return n x classes probabilities
	 */
	public float[] predict(ModelMetadata metadata, float[] inputs, boolean testTimeViews) {
		long start = System.nanoTime();
		InferenceMetrics.Outcome outcome = InferenceMetrics.Outcome.ERROR;
		try {
			float[] result = forward(metadata, inputs, views(metadata, testTimeViews));
			outcome = InferenceMetrics.Outcome.SUCCESS;
			this.metrics.images(metadata.name())
				.increment(result.length / (double) metadata.network().classes().size());
			return result;
		}
		catch (PoolSaturatedException ex) {
			outcome = InferenceMetrics.Outcome.BUSY;
			throw ex;
		}
		finally {
			this.metrics.timer(metadata.name(), outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
		}
	}

	private static byte[] read(Upload upload) {
		try {
			return upload.content().read();
		}
		catch (IOException ex) {
			// the multipart part was stored by the container and can no longer be read
			throw InvalidImageException.corrupt(upload.name(), "the upload could not be read: " + ex.getMessage());
		}
	}

	/** The model's recorded test-time views, or the image alone. */
	private static TestTimeViews views(ModelMetadata metadata, boolean testTimeViews) {
		return testTimeViews ? metadata.preprocessing().views() : TestTimeViews.NONE;
	}

	/**
	 * Loads (if needed) and runs the model on an engine-work thread. Waiting for that
	 * thread and then for a predictor share one acquire timeout, and running out of it
	 * ends in the same 503.
	 */
	private float[] forward(ModelMetadata metadata, float[] inputs, TestTimeViews views) {
		long deadline = System.nanoTime() + this.properties.acquireTimeout().toNanos();
		return this.work.call(() -> forwardHere(metadata, inputs, views, deadline), this.properties.acquireTimeout(),
				() -> new PoolSaturatedException(metadata.name(), this.properties.poolSize(),
						this.properties.retryAfterSeconds()));
	}

	/**
	 * @param deadline when waiting (for the engine-work thread, then for a predictor)
	 * must end, in {@link System#nanoTime} terms
	 */
	private float[] forwardHere(ModelMetadata metadata, float[] inputs, TestTimeViews views, long deadline) {
		LoadedModel model = acquire(metadata);
		try {
			long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
			return model.predict(inputs, views, this.properties.maxBatch(), left, this.properties.retryAfterSeconds());
		}
		catch (TranslateException ex) {
			throw new IllegalStateException("inference failed for " + metadata.name() + ": " + ex.getMessage(), ex);
		}
		finally {
			model.release();
		}
	}

	/** Whether a version can be loaded (loading it if needed). */
	public boolean isReady(ModelMetadata metadata) {
		try {
			this.work.call(() -> {
				acquire(metadata).release();
				return null;
			});
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/** Loaded models by key, with their pool sizes and idle predictors. */
	public synchronized Map<String, int[]> pools() {
		Map<String, int[]> pools = new LinkedHashMap<>();
		this.cache.forEach((key, m) -> pools.put(key, new int[] { m.poolSize(), m.idlePredictors() }));
		return pools;
	}

	private synchronized LoadedModel acquire(ModelMetadata metadata) {
		String key = metadata.name() + "/" + metadata.version() + "/" + metadata.parameters().parametersSha256();
		LoadedModel model = this.cache.get(key);
		if (model == null) {
			forget(metadata.name(), metadata.version());
			try {
				model = new LoadedModel(metadata, this.store.versionDir(metadata.name(), metadata.version()),
						this.architectures, this.runtime.device(), this.properties.poolSize());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			this.cache.put(key, model);
			log.info("Loaded model {} version {} with {} predictors", metadata.name(), metadata.version(),
					this.properties.poolSize());
			while (this.cache.size() > this.properties.cacheSize()) {
				Iterator<Map.Entry<String, LoadedModel>> eldest = this.cache.entrySet().iterator();
				LoadedModel old = eldest.next().getValue();
				eldest.remove();
				old.evict();
			}
		}
		model.retain();
		return model;
	}

	/** Drops cached entries of a version (all versions when {@code version} is null). */
	private synchronized void forget(String name, Integer version) {
		String prefix = name + "/" + ((version != null) ? version + "/" : "");
		Iterator<Map.Entry<String, LoadedModel>> it = this.cache.entrySet().iterator();
		while (it.hasNext()) {
			Map.Entry<String, LoadedModel> e = it.next();
			if (e.getKey().startsWith(prefix)) {
				it.remove();
				e.getValue().evict();
			}
		}
	}

	@PreDestroy
	synchronized void closeAll() {
		this.cache.values().forEach(LoadedModel::evict);
		this.cache.clear();
	}

}
