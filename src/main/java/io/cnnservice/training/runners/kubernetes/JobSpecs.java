package io.cnnservice.training.runners.kubernetes;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.cnnservice.training.api.InvalidTrainingRequestException;
import io.cnnservice.training.api.TrainingJobView;
import io.cnnservice.training.api.TrainingRequest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

/**
 * Builds the {@code batch/v1} Job of a training job from the operator's pod template: the
 * worker's arguments, resources from the request (or the defaults), GPU scheduling, and
 * labels that name the job.
 */
final class JobSpecs {

	static final String NAME_LABEL = "app.kubernetes.io/name";

	static final String COMPONENT_LABEL = "app.kubernetes.io/component";

	static final String COMPONENT = "training-worker";

	static final String JOB_ID_LABEL = "cnn-service/job-id";

	static final String MODEL_LABEL = "cnn-service/model";

	private final KubernetesRunnerProperties properties;

	JobSpecs(KubernetesRunnerProperties properties) {
		this.properties = properties;
	}

	/**
	 * Refuses a request that asks for more than the configured maxima, naming the field.
	 */
	void check(TrainingRequest.Resources resources) {
		if (resources == null) {
			return;
		}
		KubernetesRunnerProperties.Pods pods = this.properties.pods();
		if (resources.cpu() != null && amount(resources.cpu()).compareTo(amount(pods.maxCpu())) > 0) {
			throw InvalidTrainingRequestException.badField("resources.cpu",
					"resources.cpu " + resources.cpu() + " is over the most a job may request (" + pods.maxCpu()
							+ ", cnn.training.kubernetes.pods.max-cpu)");
		}
		if (resources.memory() != null && amount(resources.memory()).compareTo(amount(pods.maxMemory())) > 0) {
			throw InvalidTrainingRequestException.badField("resources.memory",
					"resources.memory " + resources.memory() + " is over the most a job may request ("
							+ pods.maxMemory() + ", cnn.training.kubernetes.pods.max-memory)");
		}
		if (resources.gpu() != null && resources.gpu() > pods.maxGpu()) {
			throw InvalidTrainingRequestException.badField("resources.gpu",
					"resources.gpu " + resources.gpu() + " is over the most a job may request (" + pods.maxGpu()
							+ ", cnn.training.kubernetes.pods.max-gpu)");
		}
	}

	/**
	 * The Job that runs the job's worker, made from the template (which it changes), for
	 * a request {@link #check checked} already.
	 */
	Job build(TrainingJobView view, PodTemplateSpec pod) {
		TrainingRequest request = view.request();
		Map<String, String> labels = new LinkedHashMap<>();
		// not the serving pods' name: the Service and the disruption budget select those
		labels.put(NAME_LABEL, "cnn-service-training");
		labels.put(COMPONENT_LABEL, COMPONENT);
		labels.put("app.kubernetes.io/managed-by", "cnn-service");
		labels.put(JOB_ID_LABEL, view.id());
		labels.put(MODEL_LABEL, request.modelName());
		Map<String, String> annotations = new LinkedHashMap<>();
		annotations.put("cnn-service/job-id", view.id());
		annotations.put("cnn-service/model", request.modelName());
		annotations.put("cnn-service/architecture", request.architecture());
		annotations.put("cnn-service/dataset", request.dataset());

		pod.getMetadata().getLabels().putAll(labels);
		pod.getMetadata().getAnnotations().putAll(annotations);
		pod.getSpec().setRestartPolicy("Never");
		Container worker = pod.getSpec()
			.getContainers()
			.stream()
			.filter(c -> "worker".equals(c.getName()))
			.findFirst()
			.orElse(pod.getSpec().getContainers().get(0));
		List<String> args = new ArrayList<>((worker.getArgs() != null) ? worker.getArgs() : List.of());
		// as many engine threads as cores requested: the JVM may see the whole node
		String cpu = (request.cluster().resources() != null && request.cluster().resources().cpu() != null)
				? request.cluster().resources().cpu() : this.properties.pods().cpu();
		args.add("--cnn.engine.intra-op-threads="
				+ Math.max(1, amount(cpu).setScale(0, java.math.RoundingMode.CEILING).intValue()));
		args.add("--cnn.worker.job-id=" + view.id());
		args.add("--cnn.worker.metrics-port=" + this.properties.jobs().metricsPort());
		worker.setArgs(args);
		List<io.fabric8.kubernetes.api.model.ContainerPort> ports = new ArrayList<>(
				(worker.getPorts() != null) ? worker.getPorts() : List.of());
		ports.add(new ContainerPortBuilder().withName("metrics")
			.withContainerPort(this.properties.jobs().metricsPort())
			.build());
		worker.setPorts(ports);
		worker.setResources(resources(request.cluster().resources()));
		if (gpus(request.cluster().resources()) > 0) {
			if (this.properties.gpu().image() != null) {
				worker.setImage(this.properties.gpu().image());
			}
			Map<String, String> selector = new LinkedHashMap<>(
					(pod.getSpec().getNodeSelector() != null) ? pod.getSpec().getNodeSelector() : Map.of());
			selector.putAll(this.properties.gpu().nodeSelector());
			pod.getSpec().setNodeSelector(selector);
			List<Toleration> tolerations = new ArrayList<>(
					(pod.getSpec().getTolerations() != null) ? pod.getSpec().getTolerations() : List.of());
			for (KubernetesRunnerProperties.Gpu.Toleration t : this.properties.gpu().tolerations()) {
				tolerations.add(new TolerationBuilder().withKey(t.key())
					.withOperator(t.operator())
					.withValue(t.value())
					.withEffect(t.effect())
					.build());
			}
			pod.getSpec().setTolerations(tolerations);
		}
		return new JobBuilder().withNewMetadata()
			.withName(name(view.id()))
			.withLabels(labels)
			.withAnnotations(annotations)
			.endMetadata()
			.withNewSpec()
			.withBackoffLimit(this.properties.jobs().backoffLimit())
			.withActiveDeadlineSeconds(request.cluster().activeDeadlineSeconds())
			.withTtlSecondsAfterFinished((int) this.properties.jobs().ttlAfterFinished().toSeconds())
			.withTemplate(pod)
			.endSpec()
			.build();
	}

	private ResourceRequirements resources(TrainingRequest.Resources asked) {
		KubernetesRunnerProperties.Pods pods = this.properties.pods();
		String cpu = (asked != null && asked.cpu() != null) ? asked.cpu() : pods.cpu();
		String memory = (asked != null && asked.memory() != null) ? asked.memory() : pods.memory();
		Map<String, Quantity> requests = new LinkedHashMap<>();
		requests.put("cpu", new Quantity(cpu));
		requests.put("memory", new Quantity(memory));
		// no CPU limit: a throttled trainer is slower, not safer
		Map<String, Quantity> limits = new LinkedHashMap<>();
		limits.put("memory", new Quantity(memory));
		int gpu = gpus(asked);
		if (gpu > 0) {
			requests.put(this.properties.gpu().resource(), new Quantity(Integer.toString(gpu)));
			limits.put(this.properties.gpu().resource(), new Quantity(Integer.toString(gpu)));
		}
		ResourceRequirements resources = new ResourceRequirements();
		resources.setRequests(requests);
		resources.setLimits(limits);
		return resources;
	}

	private int gpus(TrainingRequest.Resources asked) {
		return (asked != null && asked.gpu() != null) ? asked.gpu() : this.properties.pods().gpu();
	}

	/** A new name each time, so a resumed job's Job never clashes with a finished one. */
	static String name(String jobId) {
		return "cnn-train-" + jobId + "-" + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36);
	}

	private static BigDecimal amount(String quantity) {
		return Quantity.getAmountInBytes(new Quantity(quantity));
	}

}
