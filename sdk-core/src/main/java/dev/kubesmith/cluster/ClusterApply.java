package dev.kubesmith.cluster;

import dev.kubesmith.bootstrap.KubeadmConfig;
import dev.kubesmith.exec.BuildExecutor;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.exec.ClusterLock;
import dev.kubesmith.exec.Journal;
import dev.kubesmith.exec.StateDirectory;
import dev.kubesmith.exec.SshStepRunner;
import dev.kubesmith.kube.ApiStepRunner;
import dev.kubesmith.kube.KubernetesApi;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.ssh.LocalForward;
import dev.kubesmith.ssh.Redactor;
import dev.kubesmith.ssh.SshConnector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Wires a cluster's plan to the executor: SSH for host steps, the API (through the bastion) for cluster steps. */
final class ClusterApply {
  /** The full spec of the last apply, in the state directory: one-off operations plan from it. */
  static final String SPEC_FILE = "spec.yaml";

  private ClusterApply() {}

  static BuildResult run(Cluster cluster, ApplyOptions options) {
    return run(cluster, cluster.plan(options), options, false);
  }

  /**
   * Runs a plan on the cluster's hosts and API, holding the state directory's lock and the cluster
   * lock on the first master throughout. With {@code oneOff} the steps are not journaled (an
   * operation such as a restore runs every time it is asked for) and spec.yaml is left as the last
   * apply wrote it; otherwise finished steps are recorded and skipped next time, and the full spec
   * is written to {@code <state directory>/spec.yaml} (0600) for later one-off operations.
   */
  static BuildResult run(Cluster cluster, Plan plan, ApplyOptions options, boolean oneOff) {
    ClusterSpec spec = cluster.spec();
    Redactor redactor = new Redactor();
    SshConnector connector = SshConnector.forSpec(spec,
        cluster.ssh().flatMap(Ssh::passphrase), redactor);
    Path state = options.stateDirectory(spec.name());
    BuildExecutor executor = executor(cluster, options, connector, redactor);
    // the lock has a connection of its own: the build's may drop and be made again, the lock's session must not
    SshConnector lockConnector = SshConnector.forSpec(spec, cluster.ssh().flatMap(Ssh::passphrase), redactor);
    try (lockConnector; Journal journal = Journal.open(state)) {
      if (!oneOff) {
        writePrivate(state.resolve(SPEC_FILE), spec.toYaml());
      }
      String what = (oneOff ? "operation on " : "apply of ") + spec.name();
      try (ClusterLock lock = lock(spec, lockConnector, options, what)) {
        if (oneOff) {
          try (Journal none = Journal.inMemory()) {
            return executor.execute(plan, none, lock == null ? step -> { } : step -> lock.requireHeld(step.id()));
          }
        }
        return executor.execute(plan, journal, lock == null ? step -> { } : step -> lock.requireHeld(step.id()));
      }
    } finally {
      connector.close(); // the executor closed its runner; the lock had a connection of its own
    }
  }

  /** The cluster lock on the first master; none for a spec without masters (nothing to build). */
  private static ClusterLock lock(ClusterSpec spec, SshConnector connector, ApplyOptions options, String what) {
    if (spec.masters().isEmpty()) {
      return null;
    }
    return ClusterLock.acquire(connector, connector.target(spec.masters().get(0)), what, options.retries());
  }

  private static BuildExecutor executor(Cluster cluster, ApplyOptions options, SshConnector connector,
      Redactor redactor) {
    ClusterSpec spec = cluster.spec();
    Path kubeconfigFile = options.kubeconfig(spec.name());
    // made anew after a failure with no HTTP response: each time a forward over the current bastion connection
    ApiStepRunner api = new ApiStepRunner(kubeconfig -> {
      writePrivate(kubeconfigFile, kubeconfig);
      if (spec.bastionHost().isEmpty() || options.isDirectApi()) {
        return KubernetesApi.fromKubeconfig(kubeconfig, Optional.empty());
      }
      String[] endpoint = KubeadmConfig.controlPlaneEndpoint(spec).split(":");
      LocalForward f = connector.forward(endpoint[0], Integer.parseInt(endpoint[1]));
      return KubernetesApi.fromKubeconfig(kubeconfig, Optional.of("https://127.0.0.1:" + f.localPort())).closing(f);
    }, options.readyTimeout());
    SshStepRunner runner = new SshStepRunner(connector, h -> connector.target(spec.requireHost(h)),
        Duration.ofSeconds(spec.ssh().commandTimeoutSeconds()), api);
    return BuildExecutor.builder().runner(runner).listener(options.listener())
        .parallelism(options.effectiveParallelism(spec.hosts().size())).retries(options.retries()).redactor(redactor)
        .build();
  }

  /** Writes a file only its owner can read, atomically (kubeconfigs hold cluster-admin credentials). */
  static void writePrivate(Path file, String content) {
    try {
      StateDirectory.writePrivate(file, content);
    } catch (IOException e) {
      Path dir = file.toAbsolutePath().getParent();
      throw new UncheckedIOException("cannot write " + file.getFileName() + " in the state directory " + dir + ": "
          + e.getMessage() + "; nothing was left behind there. Fix: free space on that file system (or make it writable),"
          + " or choose another state directory (ApplyOptions.stateDirectory, --state-dir), then run again", e);
    }
  }
}
