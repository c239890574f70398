package dev.kubesmith.addons.monitoring;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.ComponentProvider;
import dev.kubesmith.spec.ComponentSpec;

/**
 * Finds {@link KubePrometheus} by name ({@value KubePrometheus#NAME}) through {@code ServiceLoader}.
 * It is an addon the caller names, never a default.
 *
 * <pre>{@code
 * Component monitoring = new KubePrometheusProvider().create(ComponentSpec.of("kube-prometheus", Map.of("retention", "15d")));
 * }</pre>
 */
public final class KubePrometheusProvider implements ComponentProvider {
  @Override
  public String name() {
    return KubePrometheus.NAME;
  }

  @Override
  public ComponentKind kind() {
    return ComponentKind.ADDON;
  }

  /** Never throws: settings it cannot read are reported by {@link KubePrometheus#validate}. */
  @Override
  public Component create(ComponentSpec spec) {
    return KubePrometheus.of(spec);
  }
}
