package dev.kubesmith.network.lb;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.ComponentProvider;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Topology;

/**
 * Finds {@link LoadBalancerPair} by name ({@value LoadBalancerPair#NAME}) through {@code ServiceLoader};
 * it is the default load balancer of HA clusters (a single-master cluster has none).
 *
 * <pre>{@code
 * Component lb = Components.named("haproxy-keepalived").orElseThrow()
 *     .create(ComponentSpec.of("haproxy-keepalived", Map.of("privateInterface", "ens18")));
 * }</pre>
 */
public final class LoadBalancerPairProvider implements ComponentProvider {
  @Override
  public String name() {
    return LoadBalancerPair.NAME;
  }

  @Override
  public ComponentKind kind() {
    return ComponentKind.LOAD_BALANCER;
  }

  @Override
  public boolean isDefaultFor(ClusterSpec spec) {
    return spec.topology() == Topology.HA;
  }

  /** Never throws for malformed settings: they are reported with the spec's other problems by validate. */
  @Override
  public Component create(ComponentSpec spec) {
    return LoadBalancerPair.of(spec);
  }
}
