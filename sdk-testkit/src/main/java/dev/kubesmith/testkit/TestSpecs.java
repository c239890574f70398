package dev.kubesmith.testkit;

import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.ImmutableClusterSpec;
import dev.kubesmith.spec.NetworkPlan;
import dev.kubesmith.spec.Role;
import dev.kubesmith.spec.SshSettings;
import dev.kubesmith.spec.Topology;

/**
 * Cluster specs for plan-level tests (no hosts touched), on 198.18.4.0/24: load balancers .21 .22,
 * masters .31-.33, workers .41-.43, private VIP .100; pod CIDR 10.0.0.0/16, service CIDR 10.96.0.0/12.
 * Builders, so a test adds what it needs (an NFS host, a public VIP) and says so.
 */
public final class TestSpecs {
  private TestSpecs() {}

  /** HA {@code clustera}: two load balancers, three masters, three workers. */
  public static ImmutableClusterSpec.Builder haBuilder() {
    return ClusterSpec.builder()
        .name("clustera")
        .topology(Topology.HA)
        .addHosts(Host.of("lb1", "198.18.4.21", Role.LB))
        .addHosts(Host.of("lb2", "198.18.4.22", Role.LB))
        .addHosts(Host.of("master1", "198.18.4.31", Role.MASTER))
        .addHosts(Host.of("master2", "198.18.4.32", Role.MASTER))
        .addHosts(Host.of("master3", "198.18.4.33", Role.MASTER))
        .addHosts(Host.of("worker1", "198.18.4.41", Role.WORKER))
        .addHosts(Host.of("worker2", "198.18.4.42", Role.WORKER))
        .addHosts(Host.of("worker3", "198.18.4.43", Role.WORKER))
        .privateVip("198.18.4.100")
        .network(network())
        .ssh(SshSettings.builder().user("ops").build());
  }

  /** Single-master {@code single}: one master, one worker. */
  public static ImmutableClusterSpec.Builder singleMasterBuilder() {
    return ClusterSpec.builder()
        .name("single")
        .topology(Topology.SINGLE_MASTER)
        .addHosts(Host.of("master1", "198.18.4.31", Role.MASTER))
        .addHosts(Host.of("worker1", "198.18.4.41", Role.WORKER))
        .network(network())
        .ssh(SshSettings.builder().user("ops").build());
  }

  public static NetworkPlan network() {
    return NetworkPlan.builder().podCidr("10.0.0.0/16").serviceCidr("10.96.0.0/12").addHostNetworks("198.18.4.0/24").build();
  }
}
