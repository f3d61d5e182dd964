package io.cnnservice.inference;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cnnservice.engine.EngineRuntime;
import io.cnnservice.models.ModelMetadata;
import io.cnnservice.models.ModelStore;
import io.cnnservice.models.ModelSummary;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The open inference protocol (KServe v2 / Triton) over HTTP/JSON, so existing clients
 * can call the models with tensors that are already prepared (normalised, N x C x H x W).
 */
@RestController
@RequestMapping("/v2")
@Tag(name = "open inference protocol", description = "KServe v2 REST: health, model metadata and FP32 tensor inference")
class OpenInferenceController {

	static final String INPUT = "input";

	static final String OUTPUT = "probabilities";

	private final ModelServing serving;

	private final ModelStore store;

	private final EngineRuntime runtime;

	private final InferenceProperties properties;

	private final IgnoredParameters ignored = new IgnoredParameters();

	OpenInferenceController(ModelServing serving, ModelStore store, EngineRuntime runtime,
			InferenceProperties properties) {
		this.serving = serving;
		this.properties = properties;
		this.store = store;
		this.runtime = runtime;
	}

	/**
	 * A tensor in the protocol's JSON form.
	 *
	 * @param name tensor name
	 * @param shape dimensions
	 * @param datatype element type; only FP32 is accepted
	 * @param parameters optional; clients may send an empty object, but this server takes
	 * no tensor parameter (binary tensor data in particular is not read)
	 * @param data elements, flat in row-major order (nested arrays are accepted too)
	 */
	record Tensor(String name, List<Long> shape, String datatype,
			@JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> parameters, Object data) {

		/** A tensor without parameters, as this server answers. */
		Tensor(String name, List<Long> shape, String datatype, Object data) {
			this(name, shape, datatype, null, data);
		}

	}

	/**
	 * An inference request.
	 *
	 * @param id optional request id, echoed back
	 * @param inputs exactly one input tensor named "input"
	 * @param outputs optional; the only output is "probabilities"
	 * @param parameters optional; {@code "test_time_views": false} scores each image
	 * alone instead of under the model's test-time views, as {@code testTimeViews=false}
	 * does on the classify endpoint; other parameters are ignored
	 */
	record InferRequest(String id, List<Tensor> inputs, List<Map<String, Object>> outputs,
			Map<String, Object> parameters) {

		/** The one request parameter this server reads. */
		static final String TEST_TIME_VIEWS = "test_time_views";

		/**
		 * Asks for the outputs in binary after the JSON, which would change the answer.
		 */
		static final String BINARY_DATA_OUTPUT = "binary_data_output";

		/**
		 * Whether to use the model's test-time views. Other parameters (such as
		 * {@code content_type}, which clients send out of habit) cannot change the
		 * answer: they are ignored with a warning.
		 */
		boolean testTimeViews(IgnoredParameters ignored) {
			if (this.parameters == null) {
				return true;
			}
			for (String key : this.parameters.keySet()) {
				if (BINARY_DATA_OUTPUT.equals(key) && Boolean.TRUE.equals(this.parameters.get(key))) {
					throw new OpenInferenceException(400,
							"parameter '" + BINARY_DATA_OUTPUT + "' is not supported: outputs are sent as JSON");
				}
				if (!TEST_TIME_VIEWS.equals(key)) {
					ignored.ignore("request", key);
				}
			}
			Object value = this.parameters.getOrDefault(TEST_TIME_VIEWS, Boolean.TRUE);
			if (!(value instanceof Boolean views)) {
				throw new OpenInferenceException(400,
						"parameter '" + TEST_TIME_VIEWS + "' must be true or false, got " + value);
			}
			return views;
		}

	}

	/**
	 * An inference response.
	 *
	 * @param model_name model name
	 * @param model_version version used
	 * @param id the request id, if one was given
	 * @param outputs the probabilities tensor
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record InferResponse(String model_name, String model_version, String id, List<Tensor> outputs) {
	}

	/**
	 * Server metadata, the protocol's required {@code GET /v2}.
	 *
	 * @param name server name
	 * @param version server version
	 * @param extensions protocol extensions supported: none
	 */
	record ServerMetadata(String name, String version, List<String> extensions) {
	}

	/**
	 * Tensor metadata.
	 *
	 * @param name tensor name
	 * @param datatype element type
	 * @param shape dimensions, -1 for the batch
	 */
	record TensorMetadata(String name, String datatype, List<Long> shape) {
	}

	/**
	 * Model metadata.
	 *
	 * @param name model name
	 * @param versions available versions
	 * @param platform serving platform
	 * @param inputs input tensors
	 * @param outputs output tensors
	 */
	record ModelMetadataResponse(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
			List<TensorMetadata> outputs) {
	}

	@GetMapping({ "", "/" })
	@Operation(summary = "Server metadata: name, version and protocol extensions (none)")
	ServerMetadata server() {
		String version = OpenInferenceController.class.getPackage().getImplementationVersion();
		return new ServerMetadata("cnn-service", (version != null) ? version : "dev", List.of());
	}

	@GetMapping("/health/live")
	@Operation(summary = "The process is up")
	Map<String, Boolean> live() {
		return Map.of("live", true);
	}

	@GetMapping("/health/ready")
	@Operation(summary = "The engine is loaded and the model store is usable")
	ResponseEntity<Map<String, Boolean>> ready() {
		boolean ready = this.runtime.engine() != null && this.store.isWritable();
		return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
			.body(Map.of("ready", ready));
	}

	@GetMapping({ "/models/{name}", "/models/{name}/versions/{version}" })
	@Operation(summary = "Model metadata: versions, input and output tensors")
	ModelMetadataResponse metadata(@PathVariable String name, @PathVariable(required = false) Integer version) {
		ModelMetadata m = this.serving.resolve(name, version);
		ModelSummary summary = this.store.get(name);
		List<Integer> shape = m.network().inputShape();
		return new ModelMetadataResponse(m.name(),
				summary.versions().stream().map(v -> Integer.toString(v.version())).toList(), "djl_pytorch",
				List.of(new TensorMetadata(INPUT, "FP32",
						List.of(-1L, (long) shape.get(0), (long) shape.get(1), (long) shape.get(2)))),
				List.of(new TensorMetadata(OUTPUT, "FP32", List.of(-1L, (long) m.network().classes().size()))));
	}

	@GetMapping({ "/models/{name}/ready", "/models/{name}/versions/{version}/ready" })
	@Operation(summary = "Whether the model version can serve (it is loaded if needed)")
	ResponseEntity<Map<String, Object>> modelReady(@PathVariable String name,
			@PathVariable(required = false) Integer version) {
		ModelMetadata m = this.serving.resolve(name, version);
		boolean ready = this.serving.isReady(m);
		return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
			.body(Map.of("name", m.name(), "version", Integer.toString(m.version()), "ready", ready));
	}

	@PostMapping({ "/models/{name}/infer", "/models/{name}/versions/{version}/infer" })
	@Operation(summary = "Class probabilities [N, classes] for an FP32 input tensor [N, C, H, W]")
	InferResponse infer(@PathVariable String name, @PathVariable(required = false) Integer version,
			@RequestBody InferRequest request) {
		ModelMetadata m = this.serving.resolve(name, version);
		boolean testTimeViews = request.testTimeViews(this.ignored);
		float[] data = OpenInferenceTensors.input(request, m, this.properties.maxBatch(), this.ignored);
		float[] probabilities = this.serving.predict(m, data, testTimeViews);
		long classes = m.network().classes().size();
		long n = probabilities.length / classes;
		return new InferResponse(m.name(), Integer.toString(m.version()), request.id(),
				List.of(new Tensor(OUTPUT, List.of(n, classes), "FP32", probabilities)));
	}

}
