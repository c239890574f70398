package dev.kubesmith.cli;

import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubesmith status}: how a built cluster is doing, read-only. Nodes (Ready, version), the
 * addons found by their namespaces and workloads, which load balancer holds each VIP, and when the
 * API server certificate expires. Uses the admin.conf that {@code apply} wrote.
 *
 * <pre>
 * kubesmith status --inventory clusterb_hosts --ssh-key ~/.ssh/id_ed25519 --state-dir .kubesmith
 * </pre>
 */
@Command(name = "status",
    description = {"Shows how a built cluster is doing, changing nothing.",
        "Reads the nodes (Ready, kubelet version) and the addons (rook-ceph, kube-prometheus, traefik, logging: "
            + "found by their namespaces and workloads) through the Kubernetes API with the admin.conf 'apply' "
            + "wrote, through the bastion; asks every load balancer over SSH which holds each VIP (ip -o addr); "
            + "reads the API server certificate's expiry from its TLS handshake. Takes the same cluster and SSH "
            + "options as 'apply'; --addons names addons that must be there."},
    sortOptions = false,
    footer = {"%nExample:",
        "  kubesmith status --inventory samples/clusterb_hosts --ssh-key id_ed25519 \\",
        "      --state-dir .kubesmith/clusterb"})
final class StatusCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Mixin
  ClusterOptions cluster;

  @Mixin
  SshOptions ssh;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "The state directory 'apply' used; admin.conf is read from it. Default: ~/.kubesmith/<name>.")
  Path stateDir;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "The admin kubeconfig to use instead of <state dir>/admin.conf.")
  Path kubeconfig;

  @Override
  public Integer call() {
    Failures failures = new Failures();
    Optional<Cluster> built = cluster.cluster(ssh, failures);
    Optional<String> config = built.flatMap(c -> AdminKubeconfig.read(kubeconfig, stateDir, c.spec().name(), failures));
    if (failures.any() || built.isEmpty() || config.isEmpty()) {
      return failures.report(err());
    }
    Set<String> expected = built.get().components().stream().filter(c -> c.kind() == ComponentKind.ADDON)
        .map(Component::name).collect(Collectors.toSet());
    ClusterStatus status = StatusProbe.probe(built.get(), config.get(), expected, false);
    Instant now = Instant.now();
    out().print(StatusReport.format(status, now));
    out().flush();
    return StatusReport.exitCode(status, now);
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
