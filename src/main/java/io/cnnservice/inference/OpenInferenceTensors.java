package io.cnnservice.inference;

import java.util.List;
import java.util.Map;

import io.cnnservice.models.ModelMetadata;

/** Checks and flattens the protocol's input tensor against the model's input shape. */
final class OpenInferenceTensors {

	/** The tensor parameter that would put the data after the JSON, which is not read. */
	private static final String BINARY_DATA_SIZE = "binary_data_size";

	private OpenInferenceTensors() {
	}

	/**
	 * The request's one input, checked against the model's shape.
	 * @param maxBatch most images one request may carry ({@code cnn.inference.max-batch})
	 * @param ignored where tensor parameters that change nothing are noted
	 */
	static float[] input(OpenInferenceController.InferRequest request, ModelMetadata model, int maxBatch,
			IgnoredParameters ignored) {
		if (request == null || request.inputs() == null || request.inputs().size() != 1
				|| request.inputs().get(0) == null) {
			throw new OpenInferenceException(400,
					"expected exactly one input tensor named '" + OpenInferenceController.INPUT + "'");
		}
		checkOutputs(request);
		OpenInferenceController.Tensor tensor = request.inputs().get(0);
		if (tensor.name() != null && !tensor.name().equals(OpenInferenceController.INPUT)) {
			throw new OpenInferenceException(400, "unexpected input '" + tensor.name() + "'; the model's input is '"
					+ OpenInferenceController.INPUT + "'");
		}
		if (tensor.parameters() != null) {
			if (tensor.parameters().containsKey(BINARY_DATA_SIZE)) {
				throw new OpenInferenceException(400, "unsupported input parameter '" + BINARY_DATA_SIZE
						+ "': this server reads tensor data from the JSON only");
			}
			tensor.parameters().keySet().forEach(k -> ignored.ignore("input", k));
		}
		if (!"FP32".equals(tensor.datatype())) {
			throw new OpenInferenceException(400, "input datatype must be FP32, got " + tensor.datatype());
		}
		List<Integer> expected = model.network().inputShape();
		List<Long> shape = tensor.shape();
		if (shape == null || shape.size() != 4 || shape.contains(null) || shape.get(1) != expected.get(0).longValue()
				|| shape.get(2) != expected.get(1).longValue() || shape.get(3) != expected.get(2).longValue()) {
			throw new OpenInferenceException(400, "input shape must be [N, " + expected.get(0) + ", " + expected.get(1)
					+ ", " + expected.get(2) + "], got " + shape);
		}
		long n = shape.get(0);
		if (n < 1) {
			throw new OpenInferenceException(400, "batch size N must be at least 1, got " + n);
		}
		if (n > maxBatch) {
			throw new OpenInferenceException(413, "batch size N is " + n + "; one request may carry at most " + maxBatch
					+ " images (cnn.inference.max-batch): split it");
		}
		int size = (int) (n * expected.get(0) * expected.get(1) * expected.get(2));
		float[] data = new float[size];
		int count = flatten(tensor.data(), data, 0);
		if (count != size) {
			throw new OpenInferenceException(400,
					"input data holds " + count + " values but shape " + shape + " needs " + size);
		}
		return data;
	}

	/**
	 * Asking for an output the model does not have, or for it in binary, would change the
	 * answer.
	 */
	private static void checkOutputs(OpenInferenceController.InferRequest request) {
		if (request.outputs() == null) {
			return;
		}
		for (Map<String, Object> output : request.outputs()) {
			Object name = (output != null) ? output.get("name") : null;
			if (!OpenInferenceController.OUTPUT.equals(name)) {
				throw new OpenInferenceException(400,
						"unknown output " + ((name != null) ? "'" + name + "'" : "(no name)")
								+ "; the model's only output is '" + OpenInferenceController.OUTPUT + "'");
			}
			if (output.get("parameters") instanceof Map<?, ?> parameters
					&& Boolean.TRUE.equals(parameters.get("binary_data"))) {
				throw new OpenInferenceException(400, "binary output data is not supported; ask for JSON");
			}
		}
	}

	private static int flatten(Object value, float[] into, int at) {
		if (value instanceof Number number) {
			if (at < into.length) {
				into[at] = number.floatValue();
			}
			return at + 1;
		}
		if (value instanceof List<?> list) {
			int i = at;
			for (Object v : list) {
				i = flatten(v, into, i);
			}
			return i;
		}
		throw new OpenInferenceException(400, "input data must be numbers (flat or nested arrays), found "
				+ ((value == null) ? "null" : value.getClass().getSimpleName()));
	}

}
