package dev.kubesmith.cli;

import dev.kubesmith.backup.etcd.EtcdSnapshots;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.exec.BuildExecutor;
import dev.kubesmith.exec.BuildFailedException;
import dev.kubesmith.exec.BuildLockedException;
import dev.kubesmith.exec.ClusterLock;
import dev.kubesmith.exec.Journal;
import dev.kubesmith.exec.Retries;
import dev.kubesmith.exec.RetryPolicy;
import dev.kubesmith.exec.SshStepRunner;
import dev.kubesmith.exec.StepFailedException;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Secrets;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.ssh.Redactor;
import dev.kubesmith.ssh.SshConnector;
import dev.kubesmith.ssh.SshException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubesmith etcd-snapshot}: an etcd snapshot now, on one master over SSH (through the
 * bastion), with the snapshot script {@code apply --backup velero} installed there
 * ({@link EtcdSnapshots#SCRIPT}); prints the snapshot's path (its copy on the NFS host's export when
 * there is one). Runs as a one-step build through the SDK's executor, with no journal on disk.
 *
 * <pre>
 * kubesmith etcd-snapshot --inventory clustera_hosts --vip 192.168.4.100 --ssh-key ~/.ssh/id_ed25519 --master master2
 * </pre>
 */
@Command(name = "etcd-snapshot",
    description = {"Takes an etcd snapshot now on a master (default: the first) and prints its path.",
        "Runs " + EtcdSnapshots.SCRIPT + ", which 'apply --backup velero' installed on every master, over SSH "
            + "through the bastion: 'etcdctl snapshot save', checked with 'snapshot status', the newest kept on the "
            + "master and copied to the NFS host's export. Takes the same cluster and SSH options as 'apply'."},
    sortOptions = false,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        KubesmithCli.OK + ":ok: the snapshot was taken; its path is printed",
        KubesmithCli.INVALID_INPUT + ":" + KubesmithCli.INVALID_INPUT_TEXT,
        KubesmithCli.USAGE + ":" + KubesmithCli.USAGE_TEXT,
        KubesmithCli.UPSTREAM_OR_IO + ":--mirror is not a directory (the cluster options are checked as 'plan' does)",
        KubesmithCli.INTERNAL + ":" + KubesmithCli.INTERNAL_TEXT,
        KubesmithCli.BUILD_FAILED + ":the snapshot failed on the master (the script is not installed, etcd did not "
            + "answer, ...); stderr names the host, command, exit code and stderr",
        KubesmithCli.UNREACHABLE + ":the master could not be reached over SSH (through the bastion)",
        KubesmithCli.BUILD_LOCKED + ":a build of this cluster (any operator) holds the cluster lock on the first master"},
    footer = {"%nExample:",
        "  kubesmith etcd-snapshot --inventory samples/clusterb_hosts --ssh-key id_ed25519 \\",
        "      --master master1"})
final class EtcdSnapshotCommand implements Callable<Integer> {
  /**
   * A refused or dropped connection is retried a little (a bastion hiccup), not for the minutes a build
   * waits for a booting host: the user is waiting at the terminal for the answer.
   */
  static final Retries RETRIES = Retries.custom().connect(RetryPolicy.of(3, Duration.ofSeconds(1), Duration.ofSeconds(4)))
      .command(RetryPolicy.of(2, Duration.ofSeconds(2), Duration.ofSeconds(2))).build();
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(10);

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Mixin
  ClusterOptions cluster;

  @Mixin
  SshOptions ssh;

  @Option(names = "--master", paramLabel = "NAME",
      description = "The master to take the snapshot on (its inventory name). Default: the first master.")
  String master;

  @Override
  public Integer call() {
    Failures failures = new Failures();
    Optional<Cluster> built = cluster.cluster(ssh, failures);
    Optional<Host> on = built.flatMap(c -> master(c.spec(), failures));
    if (failures.any() || on.isEmpty()) {
      return failures.report(err());
    }
    return snapshot(built.get(), on.get());
  }

  private Optional<Host> master(ClusterSpec spec, Failures failures) {
    if (spec.masters().isEmpty()) {
      failures.add(KubesmithCli.INVALID_INPUT, "--inventory " + cluster.inventory + ": has no host with role master");
      return Optional.empty();
    }
    if (master == null) {
      return Optional.of(spec.masters().get(0));
    }
    Optional<Host> named = spec.masters().stream().filter(h -> h.name().equals(master)).findFirst();
    if (named.isEmpty()) {
      failures.add(KubesmithCli.INVALID_INPUT, "--master " + master + ": is not a master of the inventory; choose one of "
          + spec.masters().stream().map(Host::name).toList());
    }
    return named;
  }

  private int snapshot(Cluster c, Host on) {
    ClusterSpec spec = c.spec();
    Plan plan = new PlanBuilder().add(EtcdSnapshots.now(on)).build(spec);
    Redactor redactor = new Redactor();
    SshConnector connector = SshConnector.forSpec(spec, c.ssh().flatMap(Ssh::passphrase), redactor);
    SshStepRunner runner = new SshStepRunner(connector, h -> connector.target(spec.requireHost(h)), COMMAND_TIMEOUT,
        null, RETRIES);
    BuildExecutor executor = BuildExecutor.builder().runner(runner).parallelism(1).retries(RETRIES).redactor(redactor)
        .build();
    out().println("taking an etcd snapshot on " + on.name() + " (" + EtcdSnapshots.SCRIPT + ")");
    out().flush();
    // the cluster lock on the first master, on a connection of its own: never beside a build of this cluster
    try (SshConnector lockConnector = SshConnector.forSpec(spec, c.ssh().flatMap(Ssh::passphrase), redactor);
         ClusterLock lock = ClusterLock.acquire(lockConnector, lockConnector.target(spec.masters().get(0)),
             "etcd-snapshot of " + spec.name(), RETRIES);
         Journal none = Journal.inMemory()) {
      executor.execute(plan, none); // closes the runner and the connector
    } catch (BuildLockedException e) {
      err().println("error: " + e.getMessage());
      return KubesmithCli.BUILD_LOCKED;
    } catch (BuildFailedException e) {
      Throwable cause = e.getCause();
      SshException s = cause instanceof SshException direct ? direct // the cluster lock's connection
          : cause instanceof StepFailedException f && f.getCause() instanceof SshException viaStep ? viaStep : null;
      if (s != null) {
        err().println("error: " + s.host() + " could not be reached over SSH: " + s.getMessage());
        return KubesmithCli.UNREACHABLE;
      }
      err().println("error: the etcd snapshot failed: " + (cause == null ? e.getMessage() : cause.getMessage()));
      return KubesmithCli.BUILD_FAILED;
    }
    String path = executor.context().fill(Secrets.placeholder(EtcdSnapshots.NOW_CAPTURE));
    out().println("etcd snapshot on " + on.name() + ": " + path);
    return KubesmithCli.OK;
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
