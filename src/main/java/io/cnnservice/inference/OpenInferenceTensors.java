package io.cnnservice.inference;

import java.util.List;

import io.cnnservice.models.ModelMetadata;

/** Checks and flattens the protocol's input tensor against the model's input shape. */
final class OpenInferenceTensors {

	/** Largest batch one infer call may carry. */
	static final int MAX_BATCH = 1024;

	private OpenInferenceTensors() {
	}

	static float[] input(OpenInferenceController.InferRequest request, ModelMetadata model) {
		if (request == null || request.inputs() == null || request.inputs().size() != 1) {
			throw new OpenInferenceException(400,
					"expected exactly one input tensor named '" + OpenInferenceController.INPUT + "'");
		}
		OpenInferenceController.Tensor tensor = request.inputs().get(0);
		if (tensor.name() != null && !tensor.name().equals(OpenInferenceController.INPUT)) {
			throw new OpenInferenceException(400, "unexpected input '" + tensor.name() + "'; the model's input is '"
					+ OpenInferenceController.INPUT + "'");
		}
		if (tensor.parameters() != null && !tensor.parameters().isEmpty()) {
			// binary_data_size, the one a client is likely to send, means the tensor's
			// bytes follow the JSON in the body, which this server does not read
			throw new OpenInferenceException(400,
					"unsupported input parameter '" + tensor.parameters().keySet().iterator().next()
							+ "'; this server takes no tensor parameters and reads the data from JSON only");
		}
		if (!"FP32".equals(tensor.datatype())) {
			throw new OpenInferenceException(400, "input datatype must be FP32, got " + tensor.datatype());
		}
		List<Integer> expected = model.inputShape();
		List<Long> shape = tensor.shape();
		if (shape == null || shape.size() != 4 || shape.get(1) != expected.get(0).longValue()
				|| shape.get(2) != expected.get(1).longValue() || shape.get(3) != expected.get(2).longValue()) {
			throw new OpenInferenceException(400, "input shape must be [N, " + expected.get(0) + ", " + expected.get(1)
					+ ", " + expected.get(2) + "], got " + shape);
		}
		long n = shape.get(0);
		if (n < 1 || n > MAX_BATCH) {
			throw new OpenInferenceException(400, "batch size N must be between 1 and " + MAX_BATCH + ", got " + n);
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
