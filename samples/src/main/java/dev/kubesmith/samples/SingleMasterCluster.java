package dev.kubesmith.samples;

import dev.kubesmith.cluster.Cluster;
import java.io.PrintStream;

/**
 * A single-master cluster (no load balancers) from the hosts file {@code clusterb_hosts}: planned to a
 * directory with {@code --plan-only DIR}, else built over SSH through the bastion.
 *
 * <pre>
 * ./mvnw -q -pl samples exec:java -Dexec.mainClass=dev.kubesmith.samples.SingleMasterCluster -Dexec.args="--plan-only out/clusterb"
 * ./mvnw -q -pl samples exec:java -Dexec.mainClass=dev.kubesmith.samples.SingleMasterCluster -Dexec.args="--ssh-key ~/.ssh/id_ed25519 --state-dir .kubesmith"
 * </pre>
 */
public final class SingleMasterCluster {
  static final String WHAT = "Plans (--plan-only) or builds a single-master cluster from clusterb_hosts.";

  private SingleMasterCluster() {}

  public static void main(String... args) {
    System.exit(run(System.out, System.err, args));
  }

  /** Runs the sample; returns its exit code. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    return SampleRun.run("SingleMasterCluster", WHAT, "clusterb_hosts", args, out, err,
        o -> SampleRun.planOrApply(o, () -> o.configure(Cluster.singleMaster())
            .inventory(o.loadInventory())
            .name("clusterb")
            .build(), out, err));
  }
}
