package io.cnnservice.training.kubernetes;

import io.cnnservice.Application;
import io.cnnservice.training.TrainingJobService;
import io.cnnservice.training.TrainingProperties;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * With {@code cnn.training.runner=kubernetes}, the API process creates Jobs instead of
 * training. A worker (started by such a Job) trains, so it needs none of this.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "cnn.training.runner", havingValue = "kubernetes")
@Profile("!" + Application.WORKER_PROFILE)
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
	KubernetesJobs kubernetesJobs(KubernetesClient client, KubernetesRunnerProperties properties,
			TrainingProperties training) {
		return new KubernetesJobs(client, properties, training);
	}

	@Bean
	ClusterJobWatch clusterJobWatch(KubernetesJobs jobs, KubernetesClient client, TrainingJobService service,
			KubernetesRunnerProperties properties) {
		return new ClusterJobWatch(jobs, client, service, properties);
	}

}
