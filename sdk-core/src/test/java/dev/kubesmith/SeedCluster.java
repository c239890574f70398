package dev.kubesmith;

import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.ImmutableClusterSpec;
import dev.kubesmith.spec.NetworkPlan;
import dev.kubesmith.spec.Role;
import dev.kubesmith.spec.SshSettings;
import dev.kubesmith.spec.Topology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The seed's clusters as test fixtures: the HA cluster of {@code samples/clustera_hosts} on
 * 192.168.4.0/24 and a small single-master cluster, both valid as they are.
 *
 * <pre>{@code
 * ClusterSpec spec = SeedCluster.haBuilder().privateVip(Optional.empty()).build();
 * }</pre>
 */
public final class SeedCluster {
  public static final String HOST_NETWORK = "192.168.4.0/24";
  public static final String VIP = "192.168.4.130";
  public static final String PUBLIC_VIP = "203.0.113.130";

  private SeedCluster() {}

  /** The seed's hosts file, read from the project's samples folder (surefire runs in the module directory). */
  public static Path hostsFile() {
    return Path.of("..", "samples", "clustera_hosts").toAbsolutePath().normalize();
  }

  /** bastion, lb1, lb2, master1-3, worker1-2, nfs1; a new mutable list on each call. */
  public static List<Host> haHosts() {
    List<Host> hosts = new ArrayList<>();
    hosts.add(Host.builder().name("bastion").privateIp("192.168.4.10").publicIp("203.0.113.10").addRoles(Role.BASTION).build());
    hosts.add(Host.builder().name("lb1").privateIp("192.168.4.21").publicIp("203.0.113.21").addRoles(Role.LB).build());
    hosts.add(Host.builder().name("lb2").privateIp("192.168.4.22").publicIp("203.0.113.22").addRoles(Role.LB).build());
    hosts.add(Host.of("master1", "192.168.4.31", Role.MASTER));
    hosts.add(Host.of("master2", "192.168.4.32", Role.MASTER));
    hosts.add(Host.of("master3", "192.168.4.33", Role.MASTER));
    hosts.add(Host.of("worker1", "192.168.4.41", Role.WORKER));
    hosts.add(Host.of("worker2", "192.168.4.42", Role.WORKER));
    hosts.add(Host.of("nfs1", "192.168.4.50", Role.NFS));
    return hosts;
  }

  public static NetworkPlan network() {
    return NetworkPlan.builder().podCidr("10.0.0.0/16").serviceCidr("10.96.0.0/12").addHostNetworks(HOST_NETWORK).build();
  }

  /** A valid HA spec; change it with the builder's setters (list setters replace the list). */
  public static ImmutableClusterSpec.Builder haBuilder() {
    return ClusterSpec.builder().name("clustera").topology(Topology.HA).hosts(haHosts())
        .privateVip(VIP).publicVip(PUBLIC_VIP).network(network())
        .ssh(SshSettings.builder().user("ops").bastion("bastion").build());
  }

  public static ClusterSpec ha() {
    return haBuilder().build();
  }

  /** master1 with worker1 and worker2, no load balancers, no VIPs. */
  public static ImmutableClusterSpec.Builder singleMasterBuilder() {
    return ClusterSpec.builder().name("clusterb").topology(Topology.SINGLE_MASTER)
        .addHosts(Host.of("master1", "192.168.4.31", Role.MASTER))
        .addHosts(Host.of("worker1", "192.168.4.41", Role.WORKER))
        .addHosts(Host.of("worker2", "192.168.4.42", Role.WORKER))
        .network(network());
  }

  public static ClusterSpec singleMaster() {
    return singleMasterBuilder().build();
  }

  /** The hosts with the named one changed. */
  public static List<Host> changed(List<Host> hosts, String name, UnaryOperator<Host> change) {
    List<Host> out = new ArrayList<>();
    for (Host h : hosts) {
      out.add(h.name().equals(name) ? change.apply(h) : h);
    }
    return out;
  }

  /** The hosts without the named one. */
  public static List<Host> without(List<Host> hosts, String name) {
    return hosts.stream().filter(h -> !h.name().equals(name)).toList();
  }
}
