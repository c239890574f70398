package dev.kubesmith.spec;

import java.util.List;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * The whole description of a cluster as data: hosts with roles, topology, VIPs, network plan, SSH
 * settings, Kubernetes version and components. Built by {@code Cluster.ha()} / {@code Cluster.singleMaster()}
 * or read from YAML; checked by {@link SpecValidator} before anything is planned.
 *
 * <pre>{@code
 * String yaml = spec.toYaml();
 * ClusterSpec same = ClusterSpec.fromYaml(yaml);   // equals spec
 * }</pre>
 */
@Value.Immutable
@KubesmithStyle
public interface ClusterSpec {
  String DEFAULT_KUBERNETES_VERSION = "1.34.2";

  @Value.Default
  default String name() {
    return "kubesmith";
  }

  Topology topology();

  @Value.Default
  default String kubernetesVersion() {
    return DEFAULT_KUBERNETES_VERSION;
  }

  /** Every host taking part, in inventory order, with the roles it has in this cluster. */
  List<Host> hosts();

  /** The floating IP on the private network in front of the masters (HA). */
  Optional<String> privateVip();

  /** The floating IP on the public side in front of the ingress (HA). */
  Optional<String> publicVip();

  /**
   * A registry every node pulls every image from (host or host:port, HTTPS), e.g. for hosts
   * without Internet access; filled from the offline bundle's images.txt. Empty: each image's own registry.
   */
  Optional<String> registryMirror();

  NetworkPlan network();

  @Value.Default
  default SshSettings ssh() {
    return SshSettings.defaults();
  }

  /** Load balancer, firewall, pod network, addons and backup, by name with settings. */
  List<ComponentSpec> components();

  default List<Host> withRole(Role role) {
    return hosts().stream().filter(h -> h.has(role)).toList();
  }

  @Value.Lazy
  default List<Host> masters() {
    return withRole(Role.MASTER);
  }

  @Value.Lazy
  default List<Host> workers() {
    return withRole(Role.WORKER);
  }

  @Value.Lazy
  default List<Host> loadBalancers() {
    return withRole(Role.LB);
  }

  /** Masters and workers: the hosts that become Kubernetes nodes. */
  @Value.Lazy
  default List<Host> nodes() {
    return hosts().stream().filter(h -> h.has(Role.MASTER) || h.has(Role.WORKER)).toList();
  }

  default Optional<Host> host(String name) {
    return hosts().stream().filter(h -> h.name().equals(name)).findFirst();
  }

  /** The host named, or an IllegalArgumentException listing the names there are. */
  default Host requireHost(String name) {
    return host(name).orElseThrow(() -> new IllegalArgumentException(
        "no host '" + name + "' in the spec; hosts are "
            + hosts().stream().map(Host::name).toList()));
  }

  /** The bastion host SSH goes through, when the spec names one that is in the inventory. */
  default Optional<Host> bastionHost() {
    return ssh().bastion().flatMap(b -> hosts().stream()
        .filter(h -> h.has(Role.BASTION))
        .filter(h -> h.name().equals(b) || b.equals(h.publicIp().orElse(null)) || h.privateIp().equals(b))
        .findFirst());
  }

  default Optional<ComponentSpec> component(String name) {
    return components().stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /**
   * The hosts an ingress addon says it runs on (its {@value ComponentSpec#INGRESS_NODES} setting),
   * empty when no component names any: ingress then runs on the masters.
   */
  default Optional<List<String>> ingressNodeNames() {
    return components().stream()
        .map(c -> c.settings().get(ComponentSpec.INGRESS_NODES))
        .filter(java.util.Objects::nonNull)
        .findFirst()
        .map(v -> java.util.Arrays.stream(v.split(",")).map(String::trim).filter(n -> !n.isEmpty()).toList());
  }

  /** The spec as YAML; {@link #fromYaml(String)} gives back an equal spec. */
  default String toYaml() {
    return ClusterSpecYaml.write(this);
  }

  /** Reads a spec written by {@link #toYaml()} (or by hand); malformed input lists every problem. */
  static ClusterSpec fromYaml(String yaml) {
    return ClusterSpecYaml.read(yaml);
  }

  static ImmutableClusterSpec.Builder builder() {
    return ImmutableClusterSpec.builder();
  }
}
