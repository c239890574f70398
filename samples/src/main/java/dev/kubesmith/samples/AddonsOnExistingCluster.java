package dev.kubesmith.samples;

import dev.kubesmith.addons.ingress.Traefik;
import dev.kubesmith.addons.monitoring.KubePrometheus;
import dev.kubesmith.addons.storage.RookCeph;
import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.ExistingCluster;
import dev.kubesmith.exec.BuildFailedException;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.upstream.UpstreamMirror;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Storage, ingress and monitoring on a cluster that already runs, through its admin kubeconfig only:
 * no host is touched over SSH. {@link ExistingCluster} sizes the addons from the cluster's nodes (or
 * from the inventory given with {@code --inventory}, which plan mode uses so it needs no cluster).
 *
 * <pre>
 * ./mvnw -q -pl samples exec:java -Dexec.mainClass=dev.kubesmith.samples.AddonsOnExistingCluster -Dexec.args="--plan-only out/addons"
 * ./mvnw -q -pl samples exec:java -Dexec.mainClass=dev.kubesmith.samples.AddonsOnExistingCluster -Dexec.args="--kubeconfig ~/.kubesmith/clusterb/admin.conf"
 * </pre>
 */
public final class AddonsOnExistingCluster {
  static final String WHAT = "Plans (--plan-only) or installs rook-ceph, Traefik and kube-prometheus on a running "
      + "cluster through its admin kubeconfig (the API server must be reachable from here); nodes are read from "
      + "the cluster, or from the inventory (default clusterb_hosts) in plan mode.";

  private AddonsOnExistingCluster() {}

  public static void main(String... args) {
    System.exit(run(System.out, System.err, args));
  }

  public static int run(PrintStream out, PrintStream err, String... args) {
    return SampleRun.run("AddonsOnExistingCluster", WHAT, "clusterb_hosts", args, out, err, o -> {
      Optional<Path> kubeconfig = o.get("--kubeconfig").map(Path::of);
      if (o.planOnly().isEmpty() && kubeconfig.filter(Files::isRegularFile).isEmpty()) {
        err.println("error: --kubeconfig " + kubeconfig.map(k -> k + ": no such file").orElse("is missing")
            + "; give the cluster's admin kubeconfig, or --plan-only DIR");
        return SampleRun.INVALID_INPUT;
      }
      Optional<ExistingCluster> built = SampleRun.build(() -> {
        ExistingCluster.Builder b = ExistingCluster.fromKubeconfig(kubeconfig.orElse(Path.of("admin.conf")))
            .name("addons-sample")
            .addons(RookCeph.defaults(), Traefik.defaults(), KubePrometheus.defaults());
        if (o.planOnly().isPresent()) {
          b.inventory(o.loadInventory());
        }
        o.get("--mirror").map(UpstreamMirror::at).ifPresent(b::mirror);
        return b.build();
      }, err);
      if (built.isEmpty()) {
        return SampleRun.INVALID_INPUT;
      }
      ExistingCluster cluster = built.get();
      if (o.planOnly().isPresent()) {
        var plan = cluster.plan();
        out.println("planned " + plan.steps().size() + " addon steps: written to " + plan.render(o.planOnly().get()));
        return SampleRun.OK;
      }
      try {
        ApplyOptions options = ApplyOptions.defaults().listener(SampleRun.printing(out));
        o.stateDir().ifPresent(options::stateDirectory);
        BuildResult r = cluster.apply(options);
        out.println("installed: " + r.ran().size() + " steps ran, " + r.skipped().size() + " already done");
        return SampleRun.OK;
      } catch (BuildFailedException e) {
        err.println("error: " + e.getMessage());
        return SampleRun.BUILD_FAILED;
      }
    });
  }
}
