package dev.kubesmith.cli;

import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.cluster.ClusterBuilder;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.InvalidSpecException;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Problem;
import dev.kubesmith.spec.Role;
import dev.kubesmith.upstream.UpstreamException;
import dev.kubesmith.upstream.UpstreamMirror;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
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
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        KubesmithCli.OK + ":" + KubesmithCli.OK_TEXT,
        KubesmithCli.INVALID_INPUT + ":" + KubesmithCli.INVALID_INPUT_TEXT,
        KubesmithCli.USAGE + ":" + KubesmithCli.USAGE_TEXT,
        KubesmithCli.UPSTREAM_OR_IO + ":" + KubesmithCli.UPSTREAM_OR_IO_TEXT,
        KubesmithCli.INTERNAL + ":" + KubesmithCli.INTERNAL_TEXT},
    footer = {"%nExample:",
        "  kubesmith plan --inventory samples/clustera_hosts --out out \\",
        "      --vip 192.168.4.100 --public-vip 203.0.113.100 --pod-cidr 10.0.0.0/16"})
final class PlanCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--inventory", required = true, paramLabel = "FILE",
      description = "The hosts: a hosts file (<ip> <name> <role>[,<role>] [public=<ip>] ...), an Ansible INI "
          + "inventory, `terraform output -json`, or a cluster spec YAML.")
  Path inventory;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Where to write the plan: a new or empty directory, or one holding an earlier plan.")
  Path out;

  @Option(names = "--vip", paramLabel = "IP",
      description = "HA: the private floating IP in front of the API servers (a free address in the host network).")
  String vip;

  @Option(names = "--public-vip", paramLabel = "IP",
      description = "HA: the public floating IP in front of the ingress.")
  String publicVip;

  @Option(names = "--pod-cidr", paramLabel = "CIDR",
      description = "The pod network; by default a free private range that overlaps neither the hosts nor the services.")
  String podCidr;

  @Option(names = "--service-cidr", paramLabel = "CIDR",
      description = "The service network; by default 10.96.0.0/12 unless that overlaps.")
  String serviceCidr;

  @Option(names = "--name", paramLabel = "NAME", description = "The cluster's name (a DNS label); default: kubesmith.")
  String name;

  @Option(names = "--mirror", paramLabel = "DIR|URL",
      description = "Where pinned upstream manifests (Calico, ...) come from, laid out as <project>/<file>; "
          + "default: the system property " + UpstreamMirror.PROPERTY + ", else the environment variable "
          + UpstreamMirror.ENVIRONMENT + ", else upstream itself.")
  String mirror;

  @Override
  public Integer call() {
    // Collect every problem the input has before giving up, so one run shows all there is to fix.
    Failures failures = new Failures();
    boolean readable = checkInventoryFile(failures);
    checkOutDir(failures);
    UpstreamMirror upstream = mirror(failures);
    Optional<Cluster> cluster = readable ? cluster(upstream, failures) : Optional.empty();
    if (failures.any() || cluster.isEmpty()) {
      return failures.report(err());
    }
    Plan plan;
    try {
      plan = cluster.get().plan();
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

  private boolean checkInventoryFile(Failures failures) {
    if (!Files.exists(inventory)) {
      failures.add(KubesmithCli.INVALID_INPUT, "--inventory " + inventory + ": no such file; give the hosts file "
          + "of the cluster (e.g. samples/clustera_hosts)");
      return false;
    }
    if (!Files.isRegularFile(inventory) || !Files.isReadable(inventory)) {
      failures.add(KubesmithCli.INVALID_INPUT, "--inventory " + inventory + ": is not a readable file");
      return false;
    }
    return true;
  }

  private void checkOutDir(Failures failures) {
    if (Files.exists(out) && !Files.isDirectory(out)) {
      failures.add(KubesmithCli.INVALID_INPUT, "--out " + out + ": exists and is not a directory; "
          + "choose a new or empty directory");
    } else if (Files.isDirectory(out) && !Files.exists(out.resolve("plan.json")) && !isEmpty(out)) {
      failures.add(KubesmithCli.INVALID_INPUT, "--out " + out + ": is not empty and holds no earlier plan; "
          + "choose a new or empty directory");
    }
  }

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  /** The mirror to use; a local one that is not a directory is reported now, not after planning. */
  private UpstreamMirror mirror(Failures failures) {
    if (mirror != null && mirror.isBlank()) {
      failures.add(KubesmithCli.USAGE, "--mirror is empty; give a directory or an http(s) URL");
      return UpstreamMirror.official();
    }
    UpstreamMirror m = mirror == null ? UpstreamMirror.fromEnvironment() : UpstreamMirror.at(mirror);
    m.location().filter(l -> !l.startsWith("http://") && !l.startsWith("https://"))
        .filter(l -> !Files.isDirectory(Path.of(l)))
        .ifPresent(l -> failures.add(KubesmithCli.UPSTREAM_OR_IO, "mirror " + l + ": no such directory; point "
            + "--mirror (or " + UpstreamMirror.PROPERTY + ", " + UpstreamMirror.ENVIRONMENT
            + ") at a directory laid out as <project>/<file>, or at an http(s) URL"));
    return m;
  }

  private Optional<Cluster> cluster(UpstreamMirror upstream, Failures failures) {
    try {
      Inventory inv = Inventory.load(inventory);
      ClusterBuilder builder = inv.withRole(Role.LB).isEmpty() ? Cluster.singleMaster() : Cluster.ha();
      builder.inventory(inv).mirror(upstream);
      // Given values are passed as given: the validator reports a VIP on a single master, a bad CIDR, ...
      Optional.ofNullable(name).ifPresent(builder::name);
      Optional.ofNullable(vip).ifPresent(builder::vip);
      Optional.ofNullable(publicVip).ifPresent(builder::publicVip);
      Optional.ofNullable(podCidr).ifPresent(builder::podCidr);
      Optional.ofNullable(serviceCidr).ifPresent(builder::serviceCidr);
      return Optional.of(builder.build());
    } catch (InvalidSpecException e) {
      e.problems().stream().map(Problem::message).forEach(m -> failures.add(KubesmithCli.INVALID_INPUT, m));
    } catch (UncheckedIOException e) {
      failures.add(KubesmithCli.INVALID_INPUT, e.getMessage());
    }
    return Optional.empty();
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Problems found so far, each with the exit code it calls for. */
  private static final class Failures {
    private final List<String> messages = new ArrayList<>();
    private int exitCode = Integer.MAX_VALUE;

    void add(int code, String message) {
      messages.add(message);
      // Invalid input outranks a mirror or I/O failure: fix the input first.
      exitCode = Math.min(exitCode, code);
    }

    boolean any() {
      return !messages.isEmpty();
    }

    int report(PrintWriter err) {
      messages.forEach(m -> err.println("error: " + m));
      return exitCode;
    }
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
