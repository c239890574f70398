package dev.kubesmith.addons.testing;

import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.ImmutableClusterSpec;
import dev.kubesmith.spec.NetworkPlan;
import dev.kubesmith.spec.Role;
import dev.kubesmith.spec.SshSettings;
import dev.kubesmith.spec.Topology;

/**
 * Cluster specs the addon tests share, on the benchmarking range 198.18.0.0/15: private network
 * 198.18.4.0/24 with load balancers .21 .22, masters .31-.33, workers .41-.43, VIP .100.
 */
public final class Clusters {
  private Clusters() {}

  /** HA: two load balancers, three masters, three workers. */
  public static ClusterSpec ha() {
    return haBuilder().build();
  }

  /** HA with only the given number of workers. */
  public static ClusterSpec haWithWorkers(int workers) {
    ClusterSpec ha = ha();
    return ClusterSpec.builder().from(ha)
        .hosts(ha.hosts().stream().filter(h -> !h.has(Role.WORKER) || Integer.parseInt(h.name().substring(6)) <= workers).toList())
        .build();
  }

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

  /** One master and one worker. */
  public static ClusterSpec singleMaster() {
    return ClusterSpec.builder()
        .name("single")
        .topology(Topology.SINGLE_MASTER)
        .addHosts(Host.of("master1", "198.18.4.31", Role.MASTER))
        .addHosts(Host.of("worker1", "198.18.4.41", Role.WORKER))
        .network(network())
        .ssh(SshSettings.builder().user("ops").build())
        .build();
  }

  private static NetworkPlan network() {
    return NetworkPlan.builder().podCidr("10.0.0.0/16").serviceCidr("10.96.0.0/12").addHostNetworks("198.18.4.0/24").build();
  }
}
