package dev.kubesmith.spec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.immutables.value.Value;

/**
 * The one Immutables style of the project: generated {@code Immutable*} types are public, use only
 * the JDK's collections, and builders return the abstract type so users never name generated classes.
 */
@Target({ElementType.PACKAGE, ElementType.TYPE})
@Retention(RetentionPolicy.CLASS)
@Value.Style(
    visibility = Value.Style.ImplementationVisibility.PUBLIC,
    overshadowImplementation = true,
    jdkOnly = true,
    defaults = @Value.Immutable(copy = true))
public @interface KubesmithStyle {}
