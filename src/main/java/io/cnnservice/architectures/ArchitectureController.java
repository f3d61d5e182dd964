package io.cnnservice.architectures;

import java.util.List;

import io.cnnservice.datasets.DatasetCatalog;
import io.cnnservice.datasets.DatasetInfo;
import io.cnnservice.datasets.DatasetUnavailableException;
import io.cnnservice.datasets.InputSpec;
import io.cnnservice.engine.EngineWork;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/architectures")
@Tag(name = "architectures", description = "Networks that can be trained, and their layer tables")
class ArchitectureController {

	private final ArchitectureCatalog catalog;

	private final DatasetCatalog datasets;

	private final EngineWork work;

	private final NetworkBudget budget;

	ArchitectureController(ArchitectureCatalog catalog, DatasetCatalog datasets, EngineWork work,
			NetworkBudget budget) {
		this.catalog = catalog;
		this.budget = budget;
		this.datasets = datasets;
		this.work = work;
	}

	/**
	 * One architecture in a listing.
	 *
	 * @param name name to train with
	 * @param description what it is
	 */
	record ArchitectureSummary(String name, String description) {
	}

	@GetMapping
	@Operation(summary = "Every architecture with a one-line description")
	List<ArchitectureSummary> list() {
		return this.catalog.list().stream().map(a -> new ArchitectureSummary(a.name(), a.description())).toList();
	}

	@GetMapping("/{name}")
	@Operation(summary = "Layer table for a dataset: each layer's type, output shape and parameters, and the totals")
	@ApiResponse(responseCode = "200", description = "The layer table")
	@ApiResponse(responseCode = "404", description = "No such architecture or dataset",
			content = @Content(mediaType = "application/problem+json",
					schema = @Schema(implementation = ProblemDetail.class)))
	LayerTable layers(@PathVariable String name,
			@Parameter(description = "dataset whose channels, image size and classes the network adapts to",
					example = "cifar10") @RequestParam(defaultValue = "mnist") String dataset,
			@Parameter(description = "mlp only: hidden layer widths") @RequestParam(
					required = false) List<Integer> hiddenSizes,
			@Parameter(description = "resnet only: depth 6n+2") @RequestParam(required = false) Integer depth,
			@Parameter(description = "resnet9 only: stem channels (default 64)") @RequestParam(
					required = false) Integer width) {
		Architecture architecture = this.catalog.get(name);
		DatasetInfo info = this.datasets.describe(dataset);
		InputSpec spec = info.inputSpec();
		if (spec == null) {
			throw DatasetUnavailableException.because(dataset, info.problem());
		}
		ArchitectureOptions options = new ArchitectureOptions(hiddenSizes, depth, width);
		// the table initialises the network: refuse one too big before allocating it
		this.budget.check(architecture, spec, options, 0);
		// initialising the network runs engine operators: off the web thread (see
		// EngineWork)
		return this.work.call(() -> this.catalog.layerTable(name, dataset, spec, options));
	}

}
