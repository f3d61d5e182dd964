package io.cnnservice.datasets;

import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/datasets")
@Tag(name = "datasets", description = "Datasets under the datasets root")
class DatasetController {

	private final DatasetCatalog catalog;

	DatasetController(DatasetCatalog catalog) {
		this.catalog = catalog;
	}

	@GetMapping
	@Operation(summary = "Standard and custom datasets: classes, input shape, sizes, location, readiness")
	List<DatasetInfo> list() {
		return this.catalog.list();
	}

	@GetMapping("/{name}")
	@Operation(summary = "One dataset")
	@ApiResponse(responseCode = "200", description = "The dataset")
	@ApiResponse(responseCode = "404", description = "No such dataset",
			content = @Content(mediaType = "application/problem+json",
					schema = @Schema(implementation = ProblemDetail.class)))
	DatasetInfo get(@PathVariable String name) {
		return this.catalog.describe(name);
	}

}
