package io.cnnservice.web;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import javax.imageio.ImageIO;

import io.cnnservice.TestUploads;

/**
 * Seeded generators of malformed requests: broken images, broken multipart, broken JSON
 * for every training and open inference field, and bad encodings in paths and queries.
 */
final class MalformedRequests {

	/** One request as bytes on the wire, and what it was meant to break. */
	record Request(String what, String method, String target, Map<String, String> headers, byte[] body) {

		boolean openInference() {
			return this.target.startsWith("/v2");
		}

	}

	static final String BOUNDARY = "fuzzB0undary";

	private static final String[] FORMATS = { "png", "jpeg", "gif", "bmp" };

	private static final String[] TRAINING_FIELDS = { "architecture", "dataset", "epochs", "batchSize", "optimizer",
			"learningRate", "momentum", "weightDecay", "lrSchedule", "lrStepEpochs", "lrGamma", "shuffle", "augment",
			"permutePixels", "seed", "trainLimit", "testLimit", "modelName", "hiddenSizes", "depth", "width",
			"labelSmoothing", "testTimeFlip", "testTimeShift", "evaluateEvery", "resources", "activeDeadlineSeconds" };

	private static final String[] V2_FIELDS = { "id", "inputs", "outputs", "parameters", "inputs[0].name",
			"inputs[0].shape", "inputs[0].datatype", "inputs[0].data", "inputs[0].parameters", "inputs[0].shape[0]",
			"inputs[0].shape[1]", "inputs[0].data[0]" };

	/** Values of the wrong type, nulls, non-numbers and out-of-range numbers. */
	private static final String[] BAD_VALUES = { "null", "\"\"", "\"x\"", "true", "[]", "{}", "[null]", "-1", "0",
			"1e309", "-1e309", "NaN", "\"NaN\"", "Infinity", "9223372036854775808", "2147483648", "-2147483649", "1.5",
			"0.0000001", "1000000", "\"\\u0000\"", "[[[[[[]]]]]]", "{\"a\":1}", "\"" + "x".repeat(5000) + "\"",
			"[16384,16384,16384]", "[65536,65536]", "4096", "256", "110" };

	private static final String[] BAD_QUERIES = { "topK=%", "topK=%ZZ", "version=%ZZ", "version=%", "topK=abc",
			"topK=-1", "topK=0", "topK=99999999999", "version=-1", "version=0", "version=1.5", "testTimeViews=maybe",
			"topK=%00", "version=%C0%AF", "topK=%E2%82", "%=1", "topK", "topK=1&topK=2" };

	private static final String[] BAD_PATHS = { "/api/v1/models/lenet-mnist%2fversions/1",
			"/api/v1/models/lenet-mnist%5c..%5cx", "/api/v1/models/lenet%00mnist", "/api/v1/models/../../etc/passwd",
			"/api/v1/models/lenet-mnist;x=1/versions/1", "/api/v1/models//lenet-mnist", "/api/v1/models/%",
			"/api/v1/models/%ZZ", "/api/v1/models/lenet-mnist/versions/abc", "/api/v1/models/lenet-mnist/versions/%",
			"/api/v1/models/lenet-mnist/versions/99999999999", "/api/v1/training-jobs/%2e%2e", "/api/v1/datasets/%2f",
			"/api/v1/datasets/..", "/api/v1/architectures/%C0%AE", "/api/v1/architectures/mlp?hiddenSizes=16384,16384",
			"/api/v1/architectures/mlp?hiddenSizes=-1", "/api/v1/architectures/mlp?hiddenSizes=x",
			"/api/v1/architectures/resnet9?width=100000", "/api/v1/architectures/resnet?depth=9",
			"/api/v1/architectures/lenet?dataset=%ZZ", "/api/v1/architectures/lenet?dataset=nope",
			"/v2/models/lenet-mnist/versions/x", "/v2/models/%ZZ", "/v2/models/lenet-mnist/versions/99999999999/ready",
			"/v2/models/nope/ready", "/api/v1/training-jobs/x/events?lastEventId=%", "/\u00e9", "/api/v1/%E2%82" };

	private final Random random;

	private final List<byte[]> images;

	MalformedRequests(long seed) {
		this.random = new Random(seed);
		this.images = new ArrayList<>();
		for (String format : FORMATS) {
			this.images.add(encode(format, 28, 28));
			this.images.add(encode(format, 40, 30));
		}
	}

	Request next() {
		List<Function<Random, Request>> kinds = List.of(r -> image(), r -> imageWithDeclaredSize(), r -> multipart(),
				r -> training(), r -> trainingSyntax(), r -> openInference(), r -> openInferenceSyntax(), r -> query(),
				r -> path(), r -> headers());
		return kinds.get(this.random.nextInt(kinds.size())).apply(this.random);
	}

	private Request image() {
		byte[] base = this.images.get(this.random.nextInt(this.images.size())).clone();
		byte[] file;
		String how;
		switch (this.random.nextInt(4)) {
			case 0 -> {
				file = new byte[this.random.nextInt(2000)];
				this.random.nextBytes(file);
				how = "random bytes";
			}
			case 1 -> {
				file = java.util.Arrays.copyOf(base, this.random.nextInt(base.length));
				how = "truncated";
			}
			case 2 -> {
				file = base;
				int flips = 1 + this.random.nextInt(20);
				for (int i = 0; i < flips; i++) {
					file[this.random.nextInt(file.length)] ^= (byte) (1 << this.random.nextInt(8));
				}
				how = flips + " bits flipped";
			}
			default -> {
				file = java.util.Arrays.copyOf(base, base.length + this.random.nextInt(100));
				how = "trailing bytes";
			}
		}
		return classify(how + " image", file, "image/png", "file");
	}

	/** Headers that declare sizes at and beyond the limits, with valid checksums. */
	private Request imageWithDeclaredSize() {
		int[] sides = { 1, 6324, 6325, 65535, 100_000, Integer.MAX_VALUE, 0, -1 };
		int w = sides[this.random.nextInt(sides.length)];
		int h = sides[this.random.nextInt(sides.length)];
		byte[] png = pngHeader(w, h, this.random.nextBoolean() ? 16 : 8, this.random.nextBoolean() ? 6 : 0);
		return classify("PNG declaring " + w + "x" + h, png, "image/png", "file");
	}

	private Request multipart() {
		byte[] image = this.images.get(0);
		String target = "/api/v1/models/lenet-mnist/classify";
		return switch (this.random.nextInt(9)) {
			case 0 -> new Request("multipart without a boundary", "POST", target,
					Map.of("Content-Type", "multipart/form-data"), part("file", "image/png", image, true));
			case 1 -> new Request("file part sent as multipart/mixed", "POST", target,
					Map.of("Content-Type", "multipart/form-data; boundary=" + BOUNDARY),
					part("file", "multipart/mixed", image, true));
			case 2 -> classify("wrong part name", image, "image/png", "image");
			case 3 -> classify("part declared as text", image, "text/plain", "file");
			case 4 -> {
				byte[] body = part("file", "image/png", image, true);
				yield new Request("truncated multipart body", "POST", target,
						Map.of("Content-Type", "multipart/form-data; boundary=" + BOUNDARY),
						java.util.Arrays.copyOf(body, this.random.nextInt(body.length)));
			}
			case 5 -> new Request("multipart/mixed request", "POST", target,
					Map.of("Content-Type", "multipart/mixed; boundary=" + BOUNDARY),
					part("file", "image/png", image, true));
			case 6 -> new Request("boundary mismatch", "POST", target,
					Map.of("Content-Type", "multipart/form-data; boundary=other"),
					part("file", "image/png", image, true));
			case 7 -> new Request("no content type", "POST", target, Map.of(), part("file", "image/png", image, true));
			default -> {
				byte[] garbage = new byte[this.random.nextInt(3000)];
				this.random.nextBytes(garbage);
				yield new Request("garbage multipart body", "POST", target,
						Map.of("Content-Type", "multipart/form-data; boundary=" + BOUNDARY), garbage);
			}
		};
	}

	private Request training() {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("architecture", "\"lenet\"");
		fields.put("dataset", "\"mnist\"");
		fields.put("epochs", "1");
		fields.put("trainLimit", "64");
		fields.put("testLimit", "64");
		int mutations = 1 + this.random.nextInt(3);
		StringBuilder what = new StringBuilder("training request with");
		for (int i = 0; i < mutations; i++) {
			String field = TRAINING_FIELDS[this.random.nextInt(TRAINING_FIELDS.length)];
			String value = BAD_VALUES[this.random.nextInt(BAD_VALUES.length)];
			if (this.random.nextInt(10) == 0) {
				fields.remove(field);
				what.append(" no ").append(field);
			}
			else {
				fields.put(field, value);
				what.append(' ').append(field).append('=').append(abbreviate(value));
			}
		}
		StringBuilder json = new StringBuilder("{");
		fields
			.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
		json.append('}');
		return json("POST", "/api/v1/training-jobs", what.toString(), json.toString(), "application/json");
	}

	private Request trainingSyntax() {
		return syntax("/api/v1/training-jobs", "{\"architecture\": \"lenet\", \"dataset\": \"mnist\", \"epochs\": 1}");
	}

	private Request openInference() {
		String field = V2_FIELDS[this.random.nextInt(V2_FIELDS.length)];
		String value = BAD_VALUES[this.random.nextInt(BAD_VALUES.length)];
		String input = "{\"name\":\"input\",\"shape\":%s,\"datatype\":%s,\"data\":%s%s}".formatted(
				field.equals("inputs[0].shape") ? value
						: field.equals("inputs[0].shape[0]") ? "[" + value + ",1,28,28]"
								: field.equals("inputs[0].shape[1]") ? "[1," + value + ",28,28]" : "[1,1,28,28]",
				field.equals("inputs[0].datatype") ? value : "\"FP32\"",
				field.equals("inputs[0].data") ? value
						: field.equals("inputs[0].data[0]") ? "[" + value + ",0]" : "[" + "0,".repeat(783) + "0]",
				field.equals("inputs[0].parameters") ? ",\"parameters\":" + value
						: field.equals("inputs[0].name") ? ",\"name\":" + value : "");
		String body = "{%s\"inputs\":%s%s%s}".formatted(field.equals("id") ? "\"id\":" + value + "," : "",
				field.equals("inputs") ? value : "[" + input + "]",
				field.equals("outputs") ? ",\"outputs\":" + value : "",
				field.equals("parameters") ? ",\"parameters\":" + value : "");
		String target = this.random.nextBoolean() ? "/v2/models/lenet-mnist/infer"
				: "/v2/models/lenet-mnist/versions/1/infer";
		return json("POST", target, "v2 infer with " + field + "=" + abbreviate(value), body, "application/json");
	}

	private Request openInferenceSyntax() {
		if (this.random.nextInt(4) == 0) {
			String[] types = { "text/plain", "application/x-www-form-urlencoded", "application/xml", "image/png",
					"multipart/form-data; boundary=x", "application/json; charset=klingon", "" };
			String type = types[this.random.nextInt(types.length)];
			return json("POST", "/v2/models/lenet-mnist/infer", "v2 infer as '" + type + "'", "{\"inputs\":[]}", type);
		}
		if (this.random.nextInt(4) == 0) {
			int n = 1 + this.random.nextInt(1100);
			String body = "{\"inputs\":[{\"name\":\"input\",\"shape\":[" + n
					+ ",1,28,28],\"datatype\":\"FP32\",\"data\":[0]}]}";
			return json("POST", "/v2/models/lenet-mnist/infer", "v2 infer declaring N=" + n, body, "application/json");
		}
		return syntax("/v2/models/lenet-mnist/infer",
				"{\"inputs\":[{\"name\":\"input\",\"shape\":[1,1,28,28],\"datatype\":\"FP32\",\"data\":[0]}]}");
	}

	/** Truncated, deep, huge or non-JSON bodies. */
	private Request syntax(String target, String valid) {
		return switch (this.random.nextInt(6)) {
			case 0 -> json("POST", target, "truncated JSON", valid.substring(0, this.random.nextInt(valid.length())),
					"application/json");
			case 1 -> {
				int depth = 1 + this.random.nextInt(20_000);
				yield json("POST", target, "JSON nested " + depth + " deep", "[".repeat(depth) + "]".repeat(depth),
						"application/json");
			}
			case 2 -> {
				int depth = 1 + this.random.nextInt(5000);
				yield json("POST", target, "object nested " + depth + " deep",
						"{\"a\":".repeat(depth) + "1" + "}".repeat(depth), "application/json");
			}
			case 3 ->
				json("POST", target, "a 12 MB string", "{\"id\":\"" + "x".repeat(12 << 20) + "\"}", "application/json");
			case 4 -> {
				byte[] garbage = new byte[this.random.nextInt(500)];
				this.random.nextBytes(garbage);
				yield new Request("random bytes as JSON", "POST", target, Map.of("Content-Type", "application/json"),
						garbage);
			}
			default -> json("POST", target, "empty body", "", "application/json");
		};
	}

	private Request query() {
		String q = BAD_QUERIES[this.random.nextInt(BAD_QUERIES.length)];
		Request classify = classify("query " + q, this.images.get(0), "image/png", "file");
		return new Request(classify.what(), "POST", classify.target() + "&" + q, classify.headers(), classify.body());
	}

	private Request path() {
		String p = BAD_PATHS[this.random.nextInt(BAD_PATHS.length)];
		String[] methods = { "GET", "GET", "DELETE", "POST", "PUT", "PATCH" };
		String method = methods[this.random.nextInt(methods.length)];
		return new Request(method + " " + p, method, p, Map.of(), method.equals("GET") ? null : new byte[0]);
	}

	private Request headers() {
		String[][] headers = { { "Accept", "text/html" }, { "Accept", "garbage" }, { "Accept", "image/png" },
				{ "Authorization", "Bearer" }, { "Authorization", "Basic Zm9vOmJhcg==" }, { "X-API-Key", "" },
				{ "Content-Type", "multipart/form-data; boundary=" }, { "Accept-Charset", "klingon" },
				{ "Accept-Language", "??" }, { "Content-Type", "application/json; charset=x" } };
		String[] header = headers[this.random.nextInt(headers.length)];
		String[] targets = { "/api/v1/models", "/api/v1/models/nope", "/api/v1/training-jobs/nope", "/v2/models/nope",
				"/api/v1/architectures/nope" };
		String target = targets[this.random.nextInt(targets.length)];
		return new Request(header[0] + ": " + header[1] + " on " + target, "GET", target, Map.of(header[0], header[1]),
				null);
	}

	private Request classify(String what, byte[] file, String partType, String partName) {
		String model = this.random.nextInt(8) == 0 ? "resnet9-cifar10" : "lenet-mnist";
		return new Request(what, "POST", "/api/v1/models/" + model + "/classify?testTimeViews=false",
				Map.of("Content-Type", "multipart/form-data; boundary=" + BOUNDARY),
				part(partName, partType, file, true));
	}

	private static Request json(String method, String target, String what, String body, String type) {
		Map<String, String> headers = type.isEmpty() ? Map.of() : Map.of("Content-Type", type);
		return new Request(what, method, target, headers, body.getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] part(String name, String type, byte[] content, boolean close) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name
				+ "\"; filename=\"f.png\"\r\nContent-Type: " + type + "\r\n\r\n";
		out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
		out.writeBytes(content);
		if (close) {
			out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
		}
		return out.toByteArray();
	}

	private static String abbreviate(String value) {
		return (value.length() > 40) ? value.substring(0, 37) + "..." : value;
	}

	private static byte[] encode(String format, int w, int h) {
		BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
		Random r = new Random(w * 31L + h);
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				image.setRGB(x, y, r.nextInt(0xffffff));
			}
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try {
			ImageIO.write(image, format, out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	/**
	 * A PNG signature and IHDR (correct CRC) declaring a size, then an empty IDAT and
	 * IEND.
	 */
	static byte[] pngHeader(int width, int height, int bitDepth, int colourType) {
		ByteBuffer ihdr = ByteBuffer.allocate(13)
			.putInt(width)
			.putInt(height)
			.put((byte) bitDepth)
			.put((byte) colourType)
			.put((byte) 0)
			.put((byte) 0)
			.put((byte) 0);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' });
		TestUploads.pngChunk(out, "IHDR", ihdr.array());
		TestUploads.pngChunk(out, "IDAT", new byte[] { 0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 });
		TestUploads.pngChunk(out, "IEND", new byte[0]);
		return out.toByteArray();
	}

}
