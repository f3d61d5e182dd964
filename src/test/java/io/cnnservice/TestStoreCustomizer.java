package io.cnnservice;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.springframework.beans.BeanUtils;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Makes the store {@link TestStore} asks for as the context starts, and deletes it when
 * the context closes. Equal for equal annotations, so that the test framework's context
 * cache shares a context (and its store) between classes that agree.
 *
 * @param contents what the store starts with
 * @param seed what is written into it first
 * @param owner the one test class of an isolated context; null when it may be shared
 */
record TestStoreCustomizer(TestStore.Contents contents, Class<? extends Consumer<Path>> seed,
		Class<?> owner) implements ContextCustomizer {

	static final String SOURCE = "testStore";

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration configuration) {
		Path store = (this.contents == TestStore.Contents.SHIPPED) ? TestStores.copyOfShipped("cnn-test-store")
				: TestStores.empty("cnn-test-store");
		BeanUtils.instantiateClass(this.seed).accept(store);
		MapPropertySource properties = new MapPropertySource(SOURCE,
				Map.of("cnn.model-store.root", store.toString(), "cnn.datasets.root", TestDatasets.root().toString()));
		// below the test's own properties and the environment, above the application's
		MutablePropertySources sources = context.getEnvironment().getPropertySources();
		String config = sources.stream()
			.map(PropertySource::getName)
			.filter(name -> name.startsWith("Config resource"))
			.findFirst()
			.orElse(null);
		if (config != null) {
			sources.addBefore(config, properties);
		}
		else {
			sources.addLast(properties);
		}
		context.addApplicationListener((ApplicationEvent event) -> {
			if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == context) {
				try {
					TestStores.delete(store);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		});
	}

	/** Reads {@link TestStore} from the test class or a class enclosing it. */
	static final class Factory implements ContextCustomizerFactory {

		@Override
		public ContextCustomizer createContextCustomizer(Class<?> testClass,
				List<ContextConfigurationAttributes> configurations) {
			TestStore store = TestContextAnnotationUtils.findMergedAnnotation(testClass, TestStore.class);
			if (store == null) {
				return null;
			}
			return new TestStoreCustomizer(store.value(), store.seed(), store.isolated() ? testClass : null);
		}

	}

}
