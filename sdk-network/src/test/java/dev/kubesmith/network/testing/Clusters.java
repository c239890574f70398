package dev.kubesmith.network.testing;

import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.ImmutableClusterSpec;
import dev.kubesmith.spec.NetworkPlan;
import dev.kubesmith.spec.Role;
import dev.kubesmith.spec.SshSettings;
import dev.kubesmith.spec.Topology;
import java.util.Optional;

/**
 * Cluster specs the tests share, all on the benchmarking range 198.18.0.0/15: the private network
 * 198.18.4.0/24 (bastion .10, load balancers .21 .22, masters .31-.33, workers .41-.43, VIP .100)
 * and public addresses in 198.18.100.0/24 (public VIP 198.18.100.100).
 */
public final class Clusters {
  public static final String HOST_NETWORK = "198.18.4.0/24";
  public static final String POD_CIDR = "10.0.0.0/16";
  public static final String VIP = "198.18.4.100";
  public static final String PUBLIC_VIP = "198.18.100.100";

  private Clusters() {}

  /** HA: bastion, two load balancers, three masters, three workers, private and public VIP. */
  public static ClusterSpec ha() {
    return haBuilder().build();
  }

  public static ImmutableClusterSpec.Builder haBuilder() {
    return ClusterSpec.builder()
        .name("clustera")
        .topology(Topology.HA)
        .addHosts(withPublic(Host.of("bastion", "198.18.4.10", Role.BASTION), "198.18.100.10"))
        .addHosts(withPublic(Host.of("lb1", "198.18.4.21", Role.LB), "198.18.100.21"))
        .addHosts(withPublic(Host.of("lb2", "198.18.4.22", Role.LB), "198.18.100.22"))
        .addHosts(Host.of("master1", "198.18.4.31", Role.MASTER))
        .addHosts(Host.of("master2", "198.18.4.32", Role.MASTER))
        .addHosts(Host.of("master3", "198.18.4.33", Role.MASTER))
        .addHosts(Host.of("worker1", "198.18.4.41", Role.WORKER))
        .addHosts(Host.of("worker2", "198.18.4.42", Role.WORKER))
        .addHosts(Host.of("worker3", "198.18.4.43", Role.WORKER))
        .privateVip(VIP)
        .publicVip(PUBLIC_VIP)
        .network(network())
        .ssh(SshSettings.builder().user("ops").bastion("bastion").build());
  }

  /** {@link #ha()} without the public VIP. */
  public static ClusterSpec haWithoutPublicVip() {
    return ClusterSpec.builder().from(ha()).publicVip(Optional.empty()).build();
  }

  /** {@link #ha()} without a bastion host and without ssh.bastion. */
  public static ClusterSpec haWithoutBastion() {
    ClusterSpec ha = ha();
    return ClusterSpec.builder().from(ha)
        .hosts(ha.hosts().stream().filter(h -> !h.has(Role.BASTION)).toList())
        .ssh(SshSettings.builder().user("ops").build())
        .build();
  }

  /** One master, two workers, a bastion; no load balancers, no VIP. */
  public static ClusterSpec singleMaster() {
    return ClusterSpec.builder()
        .name("single")
        .topology(Topology.SINGLE_MASTER)
        .addHosts(withPublic(Host.of("bastion", "198.18.4.10", Role.BASTION), "198.18.100.10"))
        .addHosts(Host.of("master1", "198.18.4.31", Role.MASTER))
        .addHosts(Host.of("worker1", "198.18.4.41", Role.WORKER))
        .addHosts(Host.of("worker2", "198.18.4.42", Role.WORKER))
        .network(network())
        .ssh(SshSettings.builder().user("ops").bastion("bastion").build())
        .build();
  }

  private static NetworkPlan network() {
    return NetworkPlan.builder().podCidr(POD_CIDR).serviceCidr("10.96.0.0/12").addHostNetworks(HOST_NETWORK).build();
  }

  private static Host withPublic(Host host, String publicIp) {
    return Host.builder().from(host).publicIp(publicIp).build();
  }
}
