package dev.kubesmith.cli;

import dev.kubesmith.bundle.BundleException;
import dev.kubesmith.bundle.PackageBundle;
import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.exec.BuildFailedException;
import dev.kubesmith.exec.BuildLockedException;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.spec.InvalidSpecException;
import dev.kubesmith.upstream.UpstreamException;
import dev.kubesmith.upstream.UpstreamMirror;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubesmith apply}: builds the cluster described by an inventory and the options over SSH,
 * skipping what is already done, and writes admin.conf to the state directory. Invalid input
 * contacts no host and writes nothing. A failed build run again resumes from its journal.
 *
 * <pre>
 * kubesmith apply --inventory clusterb_hosts --ssh-key ~/.ssh/id_ed25519 --state-dir .kubesmith
 * </pre>
 */
@Command(name = "apply",
    description = {"Builds a cluster over SSH (through the bastion) and writes its admin.conf.",
        "The cluster is the one 'plan' plans: HA when the inventory has hosts with role lb, single-master "
            + "otherwise. Steps already done (journal in the state directory, or found done on the host) are "
            + "skipped, so running it again resumes a failed build or changes nothing. Progress goes to "
            + "stdout: a bar on a terminal, one line per event otherwise (or with --plain)."},
    sortOptions = false,
    footer = {"%nExample:",
        "  kubesmith apply --inventory samples/clusterb_hosts --ssh-key id_ed25519 \\",
        "      --state-dir .kubesmith/clusterb"})
final class ApplyCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Mixin
  ClusterOptions cluster;

  @Mixin
  SshOptions ssh;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Where the build journal, its lock and admin.conf live; default: ~/.kubesmith/<name>.")
  Path stateDir;

  @Option(names = "--parallelism", paramLabel = "N",
      description = "Steps run at once (1-1000); default: one per host (at least the executor's default).")
  Integer parallelism;

  @Option(names = "--bundle", paramLabel = "DIR",
      description = "Install from this offline bundle (made by 'kubesmith bundle'): it is checked against its "
          + "manifest first, copied to the bastion (the first master without one) and served from there; every "
          + "package and upstream manifest comes from it.")
  Path bundle;

  @Option(names = "--plain",
      description = "Progress as one line per event even on a terminal (always so when output is not a terminal).")
  boolean plain;

  @Override
  public Integer call() {
    // Every problem of the input before anything is touched, so one run shows all there is to fix.
    Failures failures = new Failures();
    boolean readable = cluster.checkInventoryFile(failures);
    checkStateDir(failures);
    if (parallelism != null && (parallelism < 1 || parallelism > 1000)) {
      failures.add(KubesmithCli.INVALID_INPUT, "--parallelism " + parallelism + ": must be 1-1000");
    }
    if (bundle != null) {
      try {
        PackageBundle.verify(bundle);
      } catch (BundleException e) {
        failures.add(KubesmithCli.INVALID_INPUT, "--bundle " + bundle + ": " + e.getMessage());
      }
    }
    UpstreamMirror upstream = cluster.mirror(failures);
    Optional<Cluster> built = readable ? cluster.cluster(upstream, ssh, failures) : Optional.empty();
    if (!readable) {
      ssh.ssh(failures); // its problems too, in the same run
    }
    if (failures.any() || built.isEmpty()) {
      return failures.report(err());
    }
    Cluster c = built.get();
    Path state = stateDir != null ? stateDir
        : Path.of(System.getProperty("user.home"), ".kubesmith", c.spec().name());
    try {
      c = withWebUiCredentials(c, state, upstream, failures);
    } catch (UncheckedIOException e) {
      failures.add(KubesmithCli.UPSTREAM_OR_IO, e.getMessage());
    }
    if (failures.any()) {
      return failures.report(err());
    }
    Path kubeconfig = state.resolve("admin.conf");
    ProgressPrinter progress = new ProgressPrinter(out(), !plain && System.console() != null);
    ApplyOptions options = ApplyOptions.defaults().stateDirectory(state).kubeconfig(kubeconfig).listener(progress);
    Optional.ofNullable(parallelism).ifPresent(options::parallelism);
    Optional.ofNullable(bundle).ifPresent(options::bundle);
    BuildResult result;
    try {
      result = c.apply(options);
    } catch (BuildFailedException e) {
      progress.finish();
      err().println("error: build failed: " + e.getMessage());
      err().println("error: the steps done are journaled in " + state + "; running the same command again "
          + "resumes the build");
      return KubesmithCli.BUILD_FAILED;
    } catch (BuildLockedException e) {
      progress.finish();
      failures.add(KubesmithCli.BUILD_LOCKED, e.getMessage());
      return failures.report(err());
    } catch (BundleException e) {
      progress.finish();
      failures.add(KubesmithCli.UPSTREAM_OR_IO, "--bundle " + bundle + ": " + e.getMessage());
      return failures.report(err());
    } catch (UpstreamException e) {
      progress.finish();
      failures.add(KubesmithCli.UPSTREAM_OR_IO, "mirror " + upstream + ": " + e.getMessage());
      return failures.report(err());
    } catch (InvalidSpecException e) {
      progress.finish();
      CliFixes.forInventory(cluster.inventory).lines(e.problems()).forEach(m -> failures.add(KubesmithCli.INVALID_INPUT, m));
      return failures.report(err());
    } catch (UncheckedIOException e) {
      progress.finish();
      failures.add(KubesmithCli.UPSTREAM_OR_IO, e.getMessage());
      return failures.report(err());
    }
    progress.finish();
    out().println("applied: " + result.ran().size() + " steps ran, " + result.skipped().size()
        + " already done in " + String.format(Locale.ROOT, "%.1f", result.wallTime().toMillis() / 1000.0)
        + " s; admin.conf: " + kubeconfig);
    return KubesmithCli.OK;
  }

  /**
   * The cluster with the web UIs' passwords of an earlier apply reused, its newly generated ones kept
   * in {@code <state dir>/credentials} (0600) before any host is touched: the cluster will hold only
   * their hashes. Says where they are, never what they are.
   */
  private Cluster withWebUiCredentials(Cluster c, Path state, UpstreamMirror upstream, Failures failures) {
    Map<String, String> stored = WebUiCredentials.read(state);
    Cluster result = c;
    if (!stored.isEmpty()) {
      cluster.storedCredentials = stored;
      Optional<Cluster> again = cluster.cluster(upstream, ssh, failures);
      if (again.isEmpty()) {
        return c;
      }
      result = again.get();
    }
    if (WebUiCredentials.record(state, result)) {
      out().println("generated passwords for the web UIs' basic auth are in " + WebUiCredentials.file(state)
          + " (mode 0600); print them with: kubesmith credentials --state-dir " + state);
    }
    return result;
  }

  private void checkStateDir(Failures failures) {
    if (stateDir != null && Files.exists(stateDir) && !Files.isDirectory(stateDir)) {
      failures.add(KubesmithCli.INVALID_INPUT, "--state-dir " + stateDir + ": exists and is not a directory");
    }
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
