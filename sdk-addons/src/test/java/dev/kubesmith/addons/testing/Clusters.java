package dev.kubesmith.addons.testing;

import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ImmutableClusterSpec;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.TestSpecs;

/** The addon tests' clusters: sdk-testkit's {@link TestSpecs} (198.18.4.0/24, masters .31-.33, workers .41-.43). */
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
    return TestSpecs.haBuilder();
  }

  /** One master and one worker. */
  public static ClusterSpec singleMaster() {
    return TestSpecs.singleMasterBuilder().build();
  }
}
