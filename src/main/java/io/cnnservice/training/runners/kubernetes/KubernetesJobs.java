package io.cnnservice.training.runners.kubernetes;

import java.util.HashMap;
import java.util.List;

import io.cnnservice.training.api.TrainingJobView;
import io.cnnservice.training.api.TrainingProperties;
import io.cnnservice.training.api.TrainingQueueFullException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubernetes runner: each job becomes a {@code batch/v1} Job whose pod runs the image
 * in worker mode. Cancelling deletes the Job, whose pod gets SIGTERM and checkpoints.
 */
class KubernetesJobs {

	private static final Logger log = LoggerFactory.getLogger(KubernetesJobs.class);

	static final String TEMPLATE_KEY = "pod-template.yaml";

	private final KubernetesClient client;

	private final KubernetesRunnerProperties properties;

	private final JobSpecs specs;

	private final int retryAfterSeconds;

	private final KubernetesSerialization serialization = new KubernetesSerialization();

	KubernetesJobs(KubernetesClient client, KubernetesRunnerProperties properties, JobSpecs specs,
			TrainingProperties training) {
		this.client = client;
		this.properties = properties;
		this.specs = specs;
		this.retryAfterSeconds = training.retryAfterSeconds();
	}

	/**
	 * Creates the Job that runs the job's worker.
	 * @throws TrainingQueueFullException when as many jobs as allowed exist already, or
	 * the cluster cannot take one now
	 */
	void launch(TrainingJobView job) {
		try {
			create(job);
		}
		catch (KubernetesClientException | IllegalStateException ex) {
			// the API server is away or the template is missing: the client did nothing
			// wrong
			throw TrainingQueueFullException.clusterUnavailable(ex.getMessage(), this.retryAfterSeconds);
		}
	}

	private void create(TrainingJobView job) {
		List<Job> existing = workerJobs();
		long active = existing.stream().filter(j -> !finished(j)).count();
		if (active >= this.properties.maxActiveJobs()) {
			throw TrainingQueueFullException.clusterFull(active, this.properties.maxActiveJobs(),
					this.retryAfterSeconds);
		}
		Job created = this.client.batch()
			.v1()
			.jobs()
			.inNamespace(namespace())
			.resource(this.specs.build(job, template()))
			.create();
		log.info("Training job {} runs as Kubernetes Job {}/{}", job.id(), namespace(),
				created.getMetadata().getName());
	}

	/** Deletes what runs the job; its worker, if one runs, is sent SIGTERM. */
	void stop(String jobId) {
		this.client.batch()
			.v1()
			.jobs()
			.inNamespace(namespace())
			.withLabel(JobSpecs.JOB_ID_LABEL, jobId)
			.withPropagationPolicy(DeletionPropagation.BACKGROUND)
			.delete();
	}

	/** Every worker Job this runner made, finished or not. */
	List<Job> workerJobs() {
		return this.client.batch()
			.v1()
			.jobs()
			.inNamespace(namespace())
			.withLabel(JobSpecs.COMPONENT_LABEL, JobSpecs.COMPONENT)
			.list()
			.getItems();
	}

	String namespace() {
		return (this.properties.namespace() != null) ? this.properties.namespace() : this.client.getNamespace();
	}

	/** The operator's pod template, read afresh so that edits apply to the next job. */
	private PodTemplateSpec template() {
		String name = this.properties.templateConfigMap();
		ConfigMap map;
		try {
			map = this.client.configMaps().inNamespace(namespace()).withName(name).get();
		}
		catch (KubernetesClientException ex) {
			throw new IllegalStateException(
					"cannot read the worker pod template ConfigMap " + name + ": " + ex.getMessage(), ex);
		}
		if (map == null || map.getData() == null || !map.getData().containsKey(TEMPLATE_KEY)) {
			throw new IllegalStateException("the ConfigMap " + namespace() + "/" + name + " with the key "
					+ TEMPLATE_KEY + " (the worker pod template) is missing");
		}
		PodTemplateSpec template = this.serialization.unmarshal(map.getData().get(TEMPLATE_KEY), PodTemplateSpec.class);
		if (template.getSpec() == null || template.getSpec().getContainers() == null
				|| template.getSpec().getContainers().isEmpty()) {
			throw new IllegalStateException("the worker pod template in " + name + " has no container");
		}
		if (template.getMetadata() == null) {
			template.setMetadata(new ObjectMeta());
		}
		if (template.getMetadata().getLabels() == null) {
			template.getMetadata().setLabels(new HashMap<>());
		}
		if (template.getMetadata().getAnnotations() == null) {
			template.getMetadata().setAnnotations(new HashMap<>());
		}
		return template;
	}

	static boolean finished(Job job) {
		return condition(job, "Complete") != null || condition(job, "Failed") != null;
	}

	/** The Job's condition of this type whose status is True, if any. */
	static JobCondition condition(Job job, String type) {
		if (job.getStatus() == null || job.getStatus().getConditions() == null) {
			return null;
		}
		return job.getStatus()
			.getConditions()
			.stream()
			.filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
			.findFirst()
			.orElse(null);
	}

}
