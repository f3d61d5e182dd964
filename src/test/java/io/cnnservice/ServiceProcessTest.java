package io.cnnservice;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A test that starts the service in JVMs of its own ({@link ServiceProcess}), kills them
 * and waits on them. It runs beside the in-JVM tests ({@link RunsAlongside}). Linux only:
 * the tests read {@code /proc} and send signals.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@EnabledOnOs(OS.LINUX)
@RunsAlongside
public @interface ServiceProcessTest {

}
