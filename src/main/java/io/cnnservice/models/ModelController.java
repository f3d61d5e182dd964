package io.cnnservice.models;

import java.io.IOException;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/models")
@Tag(name = "models", description = "Trained models and their versions in the model store")
class ModelController {

	private final ModelStore store;

	ModelController(ModelStore store) {
		this.store = store;
	}

	@GetMapping
	@Operation(summary = "Every model with its versions")
	List<ModelSummary> list() {
		return this.store.list();
	}

	@GetMapping("/{name}")
	@Operation(summary = "One model with its versions")
	@ApiResponse(responseCode = "200", description = "The model")
	@ApiResponse(responseCode = "404", description = "No such model",
			content = @Content(mediaType = "application/problem+json",
					schema = @Schema(implementation = ProblemDetail.class)))
	ModelSummary get(@PathVariable String name) {
		return this.store.get(name);
	}

	@GetMapping("/{name}/versions/{version}")
	@Operation(summary = "One version's model.json")
	@ApiResponse(responseCode = "200", description = "The version's metadata")
	@ApiResponse(responseCode = "404", description = "No such model or version",
			content = @Content(mediaType = "application/problem+json",
					schema = @Schema(implementation = ProblemDetail.class)))
	ModelMetadata version(@PathVariable String name, @PathVariable int version) {
		return this.store.get(name, version);
	}

	@DeleteMapping("/{name}/versions/{version}")
	@Operation(summary = "Delete one version (atomically: it is renamed away, then removed)")
	@ApiResponse(responseCode = "204", description = "Deleted")
	@ApiResponse(responseCode = "404", description = "No such model or version",
			content = @Content(mediaType = "application/problem+json",
					schema = @Schema(implementation = ProblemDetail.class)))
	ResponseEntity<Void> delete(@PathVariable String name, @PathVariable int version) throws IOException {
		this.store.delete(name, version);
		return ResponseEntity.noContent().build();
	}

}
