package dev.kubesmith.samples;

import dev.kubesmith.addons.ingress.Traefik;
import dev.kubesmith.addons.logging.Logging;
import dev.kubesmith.addons.monitoring.KubePrometheus;
import dev.kubesmith.addons.storage.RookCeph;
import dev.kubesmith.cluster.Cluster;
import java.io.PrintStream;

/**
 * The seed's highly available cluster from {@code clustera_hosts}: three masters behind the HAProxy +
 * Keepalived pair (private VIP 192.168.4.100, public VIP 203.0.113.100 unless given), Calico, and
 * storage, ingress, monitoring and logging.
 *
 * <pre>
 * ./mvnw -q -pl samples exec:java -Dexec.mainClass=dev.kubesmith.samples.HaCluster -Dexec.args="--plan-only out/clustera"
 * </pre>
 */
public final class HaCluster {
  static final String WHAT = "Plans (--plan-only) or builds the seed's HA cluster from clustera_hosts with "
      + "rook-ceph, Traefik, kube-prometheus and logging (UIs under example.com).";

  private HaCluster() {}

  public static void main(String... args) {
    System.exit(run(System.out, System.err, args));
  }

  public static int run(PrintStream out, PrintStream err, String... args) {
    return SampleRun.run("HaCluster", WHAT, "clustera_hosts", args, out, err,
        o -> SampleRun.planOrApply(o, () -> o.configure(Cluster.ha()
                .vip(o.get("--vip").orElse("192.168.4.100"))
                .publicVip(o.get("--public-vip").orElse("203.0.113.100")))
            .inventory(o.loadInventory())
            .name("clustera")
            .podCidr("10.0.0.0/16").serviceCidr("10.96.0.0/12")
            .addons(RookCeph.defaults(), Traefik.ha().domain("example.com"),
                KubePrometheus.defaults().domain("example.com"), Logging.efk().domain("example.com"))
            .build(), out, err));
  }
}
