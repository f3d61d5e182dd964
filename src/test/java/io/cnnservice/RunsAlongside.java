package io.cnnservice;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Set;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.ResourceLocksProvider;

/**
 * A long test class that shares nothing with the others (its own store, its own processes
 * or context): it runs on a second thread beside the rest (see
 * {@code junit-platform.properties}), its methods one after another.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(providers = RunsAlongside.OwnMethodsInTurn.class)
public @interface RunsAlongside {

	/**
	 * A lock of the class's own: held by the class, it makes its methods run in turn in
	 * its thread, and no other class waits for it.
	 */
	final class OwnMethodsInTurn implements ResourceLocksProvider {

		@Override
		public Set<Lock> provideForClass(Class<?> testClass) {
			return Set.of(new Lock(testClass.getName()));
		}

	}

}
