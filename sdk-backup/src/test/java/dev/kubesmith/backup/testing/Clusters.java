package dev.kubesmith.backup.testing;

import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.ImmutableClusterSpec;
import dev.kubesmith.spec.NetworkPlan;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.TestSpecs;

/**
 * The backup tests' clusters: sdk-testkit's {@link TestSpecs} (198.18.4.0/24: load balancers .21 .22,
 * masters .31-.33, workers .41-.43) plus the NFS host nfs1 at .50.
 */
public final class Clusters {
  private Clusters() {}

  public static ClusterSpec ha() {
    return haBuilder().build();
  }

  public static ImmutableClusterSpec.Builder haBuilder() {
    return TestSpecs.haBuilder().addHosts(nfs1());
  }

  /** One master, one worker, nfs1. */
  public static ClusterSpec singleMaster() {
    return TestSpecs.singleMasterBuilder().addHosts(nfs1()).build();
  }

  public static NetworkPlan network() {
    return TestSpecs.network();
  }

  private static Host nfs1() {
    return Host.of("nfs1", "198.18.4.50", Role.NFS);
  }
}
