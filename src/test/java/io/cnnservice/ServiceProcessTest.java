package io.cnnservice;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Set;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.ResourceLocksProvider;

/**
 * A test that starts the service in JVMs of its own ({@link ServiceProcess}), kills them
 * and waits on them. Such a class runs beside the in-JVM tests (see
 * {@code junit-platform.properties}), its methods one after another. Linux only: the
 * tests read {@code /proc} and send signals.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@EnabledOnOs(OS.LINUX)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(providers = ServiceProcessTest.OwnMethodsInTurn.class)
public @interface ServiceProcessTest {

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
