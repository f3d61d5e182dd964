package io.cnnservice.datasets;

import java.time.Duration;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

@RestController
@RequestMapping("/api/v1/datasets")
@Tag(name = "datasets", description = "Datasets under the datasets root, and downloads of the standard ones")
class DatasetController {

	/**
	 * How long a download request waits for a mirror to start sending, to report a
	 * refusal at once.
	 */
	private static final Duration FIRST_BYTES_WAIT = Duration.ofSeconds(10);

	/** The servlet role that may see file locations. */
	private static final String ADMIN_ROLE = "admin";

	private final DatasetCatalog catalog;

	DatasetController(DatasetCatalog catalog) {
		this.catalog = catalog;
	}

	@GetMapping
	@Operation(summary = "Standard and custom datasets: state, classes, input shape, sizes, download progress")
	List<DatasetInfo> list(HttpServletRequest request) {
		return this.catalog.list().stream().map(d -> visible(d, request)).toList();
	}

	@GetMapping("/{name}")
	@Operation(summary = "One dataset")
	@ApiResponse(responseCode = "200", description = "The dataset")
	@ApiResponse(responseCode = "404", description = "No such dataset",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(implementation = ProblemDetail.class)))
	DatasetInfo get(@PathVariable String name, HttpServletRequest request) {
		return visible(this.catalog.describe(name), request);
	}

	/** Where a dataset lives on disk is the operator's business: admin keys see it. */
	private static DatasetInfo visible(DatasetInfo info, HttpServletRequest request) {
		return request.isUserInRole(ADMIN_ROLE) ? info : info.withoutLocation();
	}

	@PostMapping("/{name}/download")
	@Operation(summary = "Download a missing standard dataset (mnist, fashion-mnist, cifar10) ahead of its first job",
			description = "Checks every file against its published checksum before it is used. "
					+ "GET the dataset to follow the download.")
	@ApiResponse(responseCode = "200", description = "The dataset is already there")
	@ApiResponse(responseCode = "202", description = "Downloading; the Location header is the dataset to watch")
	@ApiResponse(responseCode = "404", description = "No such dataset",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "409", description = "A custom dataset, or downloading is disabled",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "502", description = "Every mirror failed; the detail names each and why",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(implementation = ProblemDetail.class)))
	ResponseEntity<DatasetInfo> download(@PathVariable String name, HttpServletRequest request) {
		DatasetInfo info = visible(this.catalog.download(name, FIRST_BYTES_WAIT), request);
		if (info.ready()) {
			return ResponseEntity.ok(info);
		}
		return ResponseEntity.accepted()
			.location(ServletUriComponentsBuilder.fromCurrentContextPath().path("/api/v1/datasets/{name}").build(name))
			.body(info);
	}

}
