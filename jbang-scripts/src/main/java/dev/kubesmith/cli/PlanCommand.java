package dev.kubesmith.cli;

import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.upstream.UpstreamException;
import dev.kubesmith.upstream.UpstreamMirror;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubesmith plan}: validates the cluster described by an inventory and the options, plans the
 * build and writes the plan to a directory. Touches no host. Invalid input writes nothing.
 *
 * <pre>
 * kubesmith plan --inventory clustera_hosts --vip 192.168.4.100 --public-vip 203.0.113.100 --out out
 * </pre>
 */
@Command(name = "plan",
    description = {"Plans the build of a cluster and writes it to a directory, touching no host.",
        "HA (HAProxy + Keepalived pair, 3+ masters) when the inventory has hosts with role lb, "
            + "single-master otherwise. Writes DIR/plan.json, DIR/plan.md, DIR/hosts/<host>/<path> "
            + "and DIR/cluster/<name>.yaml; an earlier plan in DIR is replaced."},
    sortOptions = false,
    footer = {"%nExample:",
        "  kubesmith plan --inventory samples/clustera_hosts --out out \\",
        "      --vip 192.168.4.100 --public-vip 203.0.113.100 --pod-cidr 10.0.0.0/16"})
final class PlanCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Mixin
  ClusterOptions cluster;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Where to write the plan: a new or empty directory, or one holding an earlier plan.")
  Path out;

  // The same option as apply's (SshOptions): the firewall admits SSH only from this host, so the plan
  // must be made with the bastion apply will use.
  @Option(names = "--bastion", paramLabel = "HOST",
      description = "The bastion SSH is admitted from (its inventory name or public address); default: the "
          + "inventory's host with role bastion, if there is exactly one. Give the same to apply.")
  String bastion;

  @Override
  public Integer call() {
    // Collect every problem the input has before giving up, so one run shows all there is to fix.
    Failures failures = new Failures();
    boolean readable = cluster.checkInventoryFile(failures);
    checkOutDir(failures);
    UpstreamMirror upstream = cluster.mirror(failures);
    SshOptions ssh = new SshOptions();
    ssh.bastion = bastion;
    Optional<Cluster> built = readable ? cluster.cluster(upstream, ssh, failures) : Optional.empty();
    if (failures.any() || built.isEmpty()) {
      return failures.report(err());
    }
    Plan plan;
    try {
      plan = built.get().plan();
    } catch (UpstreamException e) {
      failures.add(KubesmithCli.UPSTREAM_OR_IO, "mirror " + upstream + ": " + e.getMessage());
      return failures.report(err());
    }
    Path written;
    try {
      written = plan.render(out);
    } catch (UncheckedIOException e) {
      failures.add(KubesmithCli.UPSTREAM_OR_IO, e.getMessage());
      return failures.report(err());
    }
    PlanSummary.print(plan, written, spec.commandLine().getOut());
    return KubesmithCli.OK;
  }

  private void checkOutDir(Failures failures) {
    if (Files.exists(out) && !Files.isDirectory(out)) {
      failures.add(KubesmithCli.INVALID_INPUT, "--out " + out + ": exists and is not a directory; "
          + "choose a new or empty directory");
    } else if (Files.isDirectory(out) && !isEmpty(out)) {
      // Only a plan kubesmith wrote, unchanged, is replaced: refuse before anything is planned or written.
      try {
        Plan.requireRenderable(out);
      } catch (UncheckedIOException e) {
        failures.add(KubesmithCli.INVALID_INPUT, "--out " + out + ": " + e.getCause().getMessage());
      }
    }
  }

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** The few lines printed after a plan is written. */
  private static final class PlanSummary {
    private PlanSummary() {}

    static void print(Plan plan, Path dir, PrintWriter out) {
      long hostFiles = plan.steps().stream().mapToLong(s -> s.files().size()).sum();
      long hosts = plan.steps().stream().filter(s -> !s.files().isEmpty()).map(Step::host).distinct().count();
      long manifests = plan.steps().stream().mapToLong(s -> s.manifests().size()).sum();
      long phases = plan.steps().stream().map(Step::phase).distinct().count();
      out.println("Planned cluster '" + plan.spec().name() + "' (" + plan.spec().topology() + ", "
          + plan.spec().hosts().size() + " hosts): " + plan.steps().size() + " steps in " + phases + " phases.");
      if (!plan.notes().isEmpty()) {
        out.println("Notes:");
        plan.notes().forEach(n -> out.println("  - " + n));
      }
      out.println("Written to " + dir + ": plan.json, plan.md, " + hostFiles + " files under hosts/ for " + hosts
          + " hosts, " + manifests + (manifests == 1 ? " manifest" : " manifests") + " under cluster/.");
    }
  }
}
