package dev.kubesmith.plan;

import dev.kubesmith.spec.KubesmithStyle;
import org.immutables.value.Value;

/**
 * Kubernetes objects a step applies through the API (server-side apply, field manager
 * {@code kubesmith}), as multi-document YAML; rendered as {@code cluster/<name>.yaml}.
 */
@Value.Immutable
@KubesmithStyle
public interface Manifest {
  /** File name without {@code .yaml}, e.g. {@code calico}. */
  String name();

  /** One or more YAML documents. */
  String yaml();

  @Value.Check
  default void check() {
    if (!name().matches("[a-z0-9][a-z0-9._-]*")) {
      throw new IllegalArgumentException("manifest name must be lower-case letters, digits, '.', '_' or '-': " + name());
    }
  }

  static Manifest of(String name, String yaml) {
    return ImmutableManifest.builder().name(name).yaml(yaml).build();
  }
}
