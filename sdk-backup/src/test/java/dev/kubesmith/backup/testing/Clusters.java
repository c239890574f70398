package dev.kubesmith.backup.testing;

import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.ImmutableClusterSpec;
import dev.kubesmith.spec.NetworkPlan;
import dev.kubesmith.spec.Role;
import dev.kubesmith.spec.SshSettings;
import dev.kubesmith.spec.Topology;

/**
 * Cluster specs the backup tests share, on 198.18.4.0/24: load balancers .21 .22, masters .31-.33,
 * workers .41-.42, the NFS host nfs1 at .50.
 */
public final class Clusters {
  private Clusters() {}

  public static ClusterSpec ha() {
    return haBuilder().build();
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
        .addHosts(Host.of("nfs1", "198.18.4.50", Role.NFS))
        .privateVip("198.18.4.100")
        .network(network())
        .ssh(SshSettings.builder().user("ops").build());
  }

  /** One master, one worker, nfs1. */
  public static ClusterSpec singleMaster() {
    return ClusterSpec.builder()
        .name("single")
        .topology(Topology.SINGLE_MASTER)
        .addHosts(Host.of("master1", "198.18.4.31", Role.MASTER))
        .addHosts(Host.of("worker1", "198.18.4.41", Role.WORKER))
        .addHosts(Host.of("nfs1", "198.18.4.50", Role.NFS))
        .network(network())
        .ssh(SshSettings.builder().user("ops").build())
        .build();
  }

  public static NetworkPlan network() {
    return NetworkPlan.builder().podCidr("10.0.0.0/16").serviceCidr("10.96.0.0/12").addHostNetworks("198.18.4.0/24").build();
  }
}
