///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS dev.kubesmith:sdk-addons:0.1.0-SNAPSHOT
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.20

// Storage, ingress and monitoring (RookCeph + Traefik + KubePrometheus) on a cluster that already runs,
// through its admin kubeconfig only: no host is touched over SSH. --plan DIR writes the manifests instead.
//   jbang-scripts/jbang jbang-scripts/MonitoringOnExistingCluster.java --kubeconfig admin.conf --domain example.com
//   jbang-scripts/jbang jbang-scripts/MonitoringOnExistingCluster.java --inventory hosts --plan out

import dev.kubesmith.addons.ingress.BasicAuth;
import dev.kubesmith.addons.ingress.Traefik;
import dev.kubesmith.addons.monitoring.KubePrometheus;
import dev.kubesmith.addons.storage.RookCeph;
import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.ExistingCluster;
import dev.kubesmith.exec.BuildFailedException;
import dev.kubesmith.exec.BuildListener;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.kube.KubernetesApi;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.InvalidSpecException;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.upstream.UpstreamException;
import dev.kubesmith.upstream.UpstreamMirror;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "MonitoringOnExistingCluster", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Installs rook-ceph storage, Traefik ingress and kube-prometheus monitoring on a running cluster "
        + "through its admin kubeconfig (the API server must be reachable from here); the addons are sized from "
        + "the cluster's nodes. --plan DIR writes the plan (manifests under cluster/) instead, sized from --inventory.",
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:installed (or the plan was written)",
        "1:invalid input, printed one problem per line; nothing touched", "2:usage error",
        "3:upstream mirror or I/O failure", "5:a step failed; run the same command again to resume"})
class MonitoringOnExistingCluster implements Callable<Integer> {
  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "The admin kubeconfig (needed without --plan).")
  Path kubeconfig;
  @Option(names = "--inventory", paramLabel = "FILE", description = "Hosts file sizing the addons in --plan mode.")
  Path inventory;
  @Option(names = "--public-vip", paramLabel = "IP", description = "Where the ingress is reached (the DNS record).")
  String publicVip;
  @Option(names = "--domain", description = "Serve Grafana, Prometheus, Alertmanager at <ui>.DOMAIN behind basic auth.")
  String domain;
  @Option(names = "--mirror", paramLabel = "DIR|URL", description = "Upstream manifests mirror.") String mirror;
  @Option(names = "--plan", paramLabel = "DIR", description = "Write the plan to DIR; touch nothing.") Path plan;
  @Option(names = "--state-dir", paramLabel = "DIR", description = "Journal; default ~/.kubesmith/existing.")
  Path state;

  public static void main(String... args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.exit(new CommandLine(new MonitoringOnExistingCluster()).execute(args));
  }

  public Integer call() {
    if (plan != null && inventory == null) {
      return fail(1, "--plan needs --inventory FILE: the hosts that size the addons without reaching the cluster");
    }
    if (plan == null && (kubeconfig == null || !Files.isRegularFile(kubeconfig))) {
      return fail(1, "--kubeconfig " + (kubeconfig == null ? "is missing" : kubeconfig + ": no such file")
          + "; give the cluster's admin kubeconfig (kubesmith writes ~/.kubesmith/<name>/admin.conf), or --plan DIR");
    }
    KubePrometheus monitoring = domain == null ? KubePrometheus.defaults() : KubePrometheus.defaults().domain(domain);
    ExistingCluster cluster;
    try {
      ExistingCluster.Builder b = ExistingCluster.fromKubeconfig(kubeconfig == null ? Path.of("admin.conf") : kubeconfig)
          .addons(RookCeph.defaults(), domain == null ? Traefik.defaults() : Traefik.defaults().domain(domain), monitoring);
      if (publicVip != null) {
        b.publicVip(publicVip);
      }
      if (inventory != null) {
        b.inventory(Inventory.load(inventory));
      }
      if (mirror != null) {
        b.mirror(UpstreamMirror.at(mirror));
      }
      cluster = b.build();
    } catch (InvalidSpecException e) {
      e.problems().forEach(p -> System.err.println("error: " + p.message()));
      return 1;
    } catch (IllegalArgumentException e) {
      return fail(1, e.getMessage());
    }
    try {
      if (plan != null) {
        var p = cluster.plan();
        System.out.println(p.steps().size() + " steps written to " + p.render(plan) + " (manifests under cluster/)");
        return 0;
      }
      ApplyOptions options = ApplyOptions.defaults().listener(new BuildListener() {
        @Override public void stepFinished(Step step, Duration took) { System.out.println("done " + step.id()); }
      });
      if (state != null) {
        options.stateDirectory(state);
      }
      boolean firstInstall;
      try (KubernetesApi api = KubernetesApi.fromKubeconfig(Files.readString(kubeconfig), Optional.empty())) {
        firstInstall = api.client().secrets().inNamespace("monitoring").withName(BasicAuth.SECRET_NAME).get() == null;
      }
      BuildResult result = cluster.apply(options);
      System.out.println("installed: " + result.ran().size() + " steps ran, " + result.skipped().size() + " already done");
      // A generated password's Secret is created once and kept, so only the first install's passwords are valid.
      if (firstInstall) {
        monitoring.basicAuth().ifPresent(a -> a.generatedPasswords().forEach((user, pw) ->
            System.out.println("basic auth for the monitoring UIs: " + user + " / " + pw + " (shown once, store it)")));
      }
      return 0;
    } catch (UpstreamException | java.io.IOException | java.io.UncheckedIOException e) {
      return fail(3, e.getMessage());
    } catch (BuildFailedException e) {
      return fail(5, e.getMessage() + "\nerror: run the same command again to resume");
    }
  }

  private static int fail(int code, String message) {
    System.err.println("error: " + message);
    return code;
  }
}
