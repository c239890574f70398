package dev.kubesmith.network.firewall;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.ComponentProvider;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;

/**
 * Finds {@link Firewall} by name ({@value Firewall#NAME}) through {@code ServiceLoader}; it is the
 * default firewall of every cluster.
 *
 * <pre>{@code
 * Component firewall = Components.defaultFor(ComponentKind.FIREWALL, spec).orElseThrow().create(ComponentSpec.of("iptables"));
 * }</pre>
 */
public final class FirewallProvider implements ComponentProvider {
  @Override
  public String name() {
    return Firewall.NAME;
  }

  @Override
  public ComponentKind kind() {
    return ComponentKind.FIREWALL;
  }

  @Override
  public boolean isDefaultFor(ClusterSpec spec) {
    return true;
  }

  /** Never throws: settings, which the firewall has none of, are reported by validate. */
  @Override
  public Component create(ComponentSpec spec) {
    return Firewall.of(spec);
  }
}
