package io.cnnservice.engine;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/system")
@Tag(name = "system", description = "Engine, devices and thread settings")
class SystemController {

	private final EngineRuntime runtime;

	SystemController(EngineRuntime runtime) {
		this.runtime = runtime;
	}

	@GetMapping
	@Operation(summary = "Engine name and version, devices, the device in use, threads and offline mode")
	SystemInfo system(HttpServletRequest request) {
		SystemInfo info = this.runtime.describe();
		// file locations are the operator's business: admin keys see them
		return request.isUserInRole("admin") ? info : info.withoutCacheDir();
	}

}
