package io.cnnservice.inference;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

@RestController
@RequestMapping("/api/v1/models")
@Tag(name = "inference", description = "Classify uploaded images")
class ClassifyController {

	private static final String PROBLEM = "application/problem+json";

	private final ModelServing serving;

	ClassifyController(ModelServing serving) {
		this.serving = serving;
	}

	@PostMapping(path = "/{name}/classify", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
	@Operation(summary = "Classify one or more images (multipart parts named 'file')",
			description = "PNG, JPEG, GIF or BMP of any size; grey, RGB, RGBA or palette. Images are prepared the way "
					+ "the model's training data was (see model.json 'preprocessing'). Example: "
					+ "curl -F file=@seven.png localhost:8080/api/v1/models/lenet-mnist/classify")
	@ApiResponse(responseCode = "200", description = "Top-k classes per file")
	@ApiResponse(responseCode = "400", description = "No file, an empty or corrupt file, or topK out of range",
			content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "404", description = "No such model or version",
			content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "413",
			description = "A file over cnn.inference.max-file-size or an image over cnn.inference.max-pixels",
			content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "415", description = "A file that is not a PNG, JPEG, GIF or BMP image",
			content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "503", description = "Every predictor of the model is busy; see Retry-After",
			content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
	ClassificationResult classify(@PathVariable String name,
			@Parameter(description = "model version (default: the latest)") @RequestParam(
					required = false) Integer version,
			@Parameter(description = "how many classes to return per file") @RequestParam(defaultValue = "3") int topK,
			@Parameter(description = "score each image under the test-time views the model was evaluated with "
					+ "(model.json 'preprocessing': flips, shifts) and average them, as its reported accuracy was "
					+ "measured; false scores the image alone, in one forward pass instead of up to ten") @RequestParam(
							defaultValue = "true") boolean testTimeViews,
			@Parameter(description = "also send each image back as the model was given it (the 28x28 crop for MNIST "
					+ "models, before normalisation), as a PNG data URL in 'input'") @RequestParam(
							defaultValue = "false") boolean returnInput,
			@RequestPart("file") List<MultipartFile> file) throws IOException {
		List<Upload> uploads = new ArrayList<>();
		for (int i = 0; i < file.size(); i++) {
			MultipartFile part = file.get(i);
			String fileName = (part.getOriginalFilename() != null && !part.getOriginalFilename().isBlank())
					? part.getOriginalFilename() : "file #" + (i + 1);
			uploads.add(new Upload(fileName, part::getBytes));
		}
		return this.serving.classify(name, version, uploads,
				new ModelServing.ClassifyOptions(topK, testTimeViews, returnInput));
	}

}
