package io.cnnservice.training.runners.kubernetes;

import io.cnnservice.training.api.TrainingProperties;
import io.cnnservice.training.durable.JobBook;
import io.cnnservice.training.durable.JobLeases;
import io.cnnservice.training.jobs.JobRepository;
import io.cnnservice.training.runners.ConditionalOnRunner;
import io.cnnservice.training.runners.RunnerMode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code cnn.training.runner=kubernetes}, the API process creates Jobs instead of
 * training. A worker (started by such a Job) trains, so it needs none of this.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRunner(RunnerMode.KUBERNETES)
class KubernetesRunnerConfiguration {

	@Bean(destroyMethod = "close")
	KubernetesClient kubernetesClient(KubernetesRunnerProperties properties) {
		// in a pod: its service account; elsewhere: the kubeconfig
		Config config = Config.autoConfigure(null);
		if (properties.apiServer() != null) {
			config = new ConfigBuilder(config).withMasterUrl(properties.apiServer()).build();
		}
		return new KubernetesClientBuilder().withConfig(config).build();
	}

	@Bean
	JobSpecs jobSpecs(KubernetesRunnerProperties properties) {
		return new JobSpecs(properties);
	}

	@Bean
	KubernetesJobs kubernetesJobs(KubernetesClient client, KubernetesRunnerProperties properties, JobSpecs specs,
			TrainingProperties training) {
		return new KubernetesJobs(client, properties, specs, training);
	}

	@Bean
	KubernetesRunner kubernetesRunner(KubernetesJobs jobs, JobSpecs specs, JobBook book, JobRepository repository,
			JobLeases leases) {
		return new KubernetesRunner(jobs, specs, book, repository, leases);
	}

	@Bean
	ClusterJobWatch clusterJobWatch(KubernetesJobs jobs, KubernetesClient client, KubernetesRunner runner,
			KubernetesRunnerProperties properties) {
		return new ClusterJobWatch(jobs, client, runner, properties);
	}

}
