package dev.kubesmith.network.cni;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.ComponentProvider;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;

/**
 * Finds {@link Calico} by name ({@value Calico#NAME}) through {@code ServiceLoader}; it is the
 * default pod network of every cluster.
 *
 * <pre>{@code
 * Component cni = Components.defaultFor(ComponentKind.POD_NETWORK, spec).orElseThrow().create(ComponentSpec.of("calico"));
 * }</pre>
 */
public final class CalicoProvider implements ComponentProvider {
  @Override
  public String name() {
    return Calico.NAME;
  }

  @Override
  public ComponentKind kind() {
    return ComponentKind.POD_NETWORK;
  }

  @Override
  public boolean isDefaultFor(ClusterSpec spec) {
    return true;
  }

  /** Never throws: settings, which Calico has none of, are reported by validate. */
  @Override
  public Component create(ComponentSpec spec) {
    return Calico.of(spec);
  }
}
