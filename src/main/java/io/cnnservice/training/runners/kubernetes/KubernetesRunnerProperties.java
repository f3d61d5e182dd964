package io.cnnservice.training.runners.kubernetes;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The kubernetes runner ({@code cnn.training.kubernetes.*}).
 *
 * @param apiServer the API server's URL; unset: in the cluster, the pod's service
 * account, outside it, the kubeconfig
 * @param namespace where Jobs are created; unset: the client's own namespace
 * @param templateConfigMap the ConfigMap whose {@code pod-template.yaml} is the workers'
 * pod template (image, service account, volumes, node selectors, priority class)
 * @param maxActiveJobs Jobs that may exist unfinished at once; more are refused with 503
 * @param jobs how Jobs are run
 * @param pods what pods request, and the most a request may ask for
 * @param gpu how a job that asks for GPUs is scheduled
 */
@Validated
@ConfigurationProperties("cnn.training.kubernetes")
public record KubernetesRunnerProperties(String apiServer, String namespace,
		@DefaultValue("cnn-service-worker-template") @NotBlank String templateConfigMap,
		@DefaultValue("4") @Min(1) @Max(10_000) int maxActiveJobs, @DefaultValue @Valid Jobs jobs,
		@DefaultValue @Valid Pods pods, @DefaultValue @Valid Gpu gpu) {

	/**
	 * @param backoffLimit pod failures (preemption, OOM kill) retried before the Job
	 * fails; each retry resumes from the job's checkpoint
	 * @param ttlAfterFinished how long a finished Job stays for its logs
	 * @param metricsPort where workers serve {@code /metrics}
	 * @param reconcileInterval how often Jobs and pods are read to explain waiting and
	 * failed jobs
	 */
	public record Jobs(@DefaultValue("3") @Min(0) @Max(100) int backoffLimit,
			@DefaultValue("1h") @DurationMin(seconds = 0) @DurationMax(days = 30) Duration ttlAfterFinished,
			@DefaultValue("9404") @Min(1) @Max(65535) int metricsPort,
			@DefaultValue("5s") @DurationMin(millis = 100) @DurationMax(minutes = 10) Duration reconcileInterval) {
	}

	/**
	 * Kubernetes quantities: {@code cpu} as {@code 2} or {@code 500m}, {@code memory} as
	 * {@code 4Gi}.
	 *
	 * @param gpu GPUs a job gets unless it says
	 * @param cpu CPU a job requests unless it says
	 * @param memory memory a job requests (and is limited to) unless it says
	 * @param maxCpu the most a request may ask for
	 * @param maxMemory the most a request may ask for
	 * @param maxGpu the most GPUs a request may ask for
	 */
	public record Pods(@DefaultValue("0") @Min(0) @Max(16) int gpu, @DefaultValue("2") @NotBlank String cpu,
			@DefaultValue("4Gi") @NotBlank String memory, @DefaultValue("8") @NotBlank String maxCpu,
			@DefaultValue("16Gi") @NotBlank String maxMemory, @DefaultValue("1") @Min(0) @Max(16) int maxGpu) {
	}

	/**
	 * @param image the image of pods that get a GPU (a CUDA build); unset: the template's
	 * @param resource the extended resource a GPU is
	 * @param nodeSelector added to a GPU job's pod
	 * @param tolerations added to a GPU job's pod, so it may run on tainted GPU nodes
	 */
	public record Gpu(String image, @DefaultValue("nvidia.com/gpu") @NotBlank String resource,
			Map<String, String> nodeSelector, @Valid List<Toleration> tolerations) {

		public Gpu {
			image = (image == null || image.isBlank()) ? null : image;
			nodeSelector = (nodeSelector != null) ? Map.copyOf(nodeSelector) : Map.of();
			tolerations = (tolerations != null) ? List.copyOf(tolerations) : List.of();
		}

		/** A toleration, as a pod spec writes it. */
		public record Toleration(@NotBlank String key, @DefaultValue("Exists") String operator, String value,
				@DefaultValue("NoSchedule") String effect) {
		}

	}

}
