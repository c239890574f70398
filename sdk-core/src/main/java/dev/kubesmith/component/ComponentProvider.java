package dev.kubesmith.component;

import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;

/**
 * Creates a component from its {@link ComponentSpec}; registered in
 * {@code META-INF/services/dev.kubesmith.component.ComponentProvider}. A default provider is used
 * when the build names no component of its kind.
 */
public interface ComponentProvider {
  String name();

  ComponentKind kind();

  /** Whether this component is used for the spec when the caller names none of its kind. */
  default boolean isDefaultFor(ClusterSpec spec) {
    return false;
  }

  /**
   * Creates the component. Bad settings are best reported by the component's {@code validate(spec)},
   * so they are listed with every other problem; throwing {@link dev.kubesmith.spec.InvalidSpecException}
   * here is also accepted and its problems are collected.
   */
  Component create(ComponentSpec spec);
}
