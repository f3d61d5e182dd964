package io.cnnservice;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.springframework.test.context.ContextCustomizerFactories;

/**
 * Gives a {@code @SpringBootTest} its own model store: a new temporary folder, empty or a
 * copy of the shipped {@code model-store}, deleted when the context closes, with
 * {@code cnn.model-store.root} pointing at it and {@code cnn.datasets.root} at the
 * committed dataset fixtures. A test's own properties win over these. Test classes whose
 * configuration agrees share one context, and so one store.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ContextCustomizerFactories(TestStoreCustomizer.Factory.class)
public @interface TestStore {

	/** What the store holds when the service starts. */
	Contents value() default Contents.EMPTY;

	/**
	 * A context of the test's own, never shared: for a test that counts what happens in
	 * the service from its start.
	 */
	boolean isolated() default false;

	/** Writes into the new store before the service starts, such as job records. */
	Class<? extends Consumer<Path>> seed() default NoSeed.class;

	/** What a new store holds. */
	enum Contents {

		/** Nothing. */
		EMPTY,
		/** A copy of the shipped model-store: lenet-mnist and resnet9-cifar10. */
		SHIPPED

	}

	/** Writes nothing. */
	final class NoSeed implements Consumer<Path> {

		@Override
		public void accept(Path store) {
		}

	}

}
