package dev.kubesmith.spec;

import java.util.Map;
import org.immutables.value.Value;

/**
 * A component of the build by name with its settings, as it is kept in the YAML spec; the
 * component itself is found by name through {@code ServiceLoader} (see {@code dev.kubesmith.component}).
 */
@Value.Immutable
@KubesmithStyle
public interface ComponentSpec {
  /**
   * The setting in which an addon serving ingress on host ports 80/443 (Traefik) names the hosts it
   * runs on, comma-separated; the load balancer pair forwards its 80/443 frontends there, so the two
   * stay in step. See {@link ClusterSpec#ingressNodeNames()}.
   */
  String INGRESS_NODES = "ingressNodes";

  String name();

  /** Settings as text, in a stable order. */
  Map<String, String> settings();

  static ComponentSpec of(String name) {
    return builder().name(name).build();
  }

  static ComponentSpec of(String name, Map<String, String> settings) {
    return builder().name(name).putAllSettings(settings).build();
  }

  static ImmutableComponentSpec.Builder builder() {
    return ImmutableComponentSpec.builder();
  }
}
