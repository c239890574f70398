package dev.kubesmith.cluster;

import dev.kubesmith.bootstrap.KubeadmConfig;
import dev.kubesmith.exec.BuildExecutor;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.exec.Journal;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

/** Wires a cluster's plan to the executor: SSH for host steps, the API (through the bastion) for cluster steps. */
final class ClusterApply {
  private ClusterApply() {}

  static BuildResult run(Cluster cluster, ApplyOptions options) {
    return run(cluster, cluster.plan(), options, false);
  }

  /**
   * Runs a plan on the cluster's hosts and API. The build journal's lock is held throughout; with
   * {@code oneOff} the steps are not journaled (an operation such as a restore runs every time it is
   * asked for), otherwise finished steps are recorded and skipped next time.
   */
  static BuildResult run(Cluster cluster, Plan plan, ApplyOptions options, boolean oneOff) {
    ClusterSpec spec = cluster.spec();
    Redactor redactor = new Redactor();
    SshConnector connector = SshConnector.forSpec(spec,
        cluster.ssh().flatMap(Ssh::passphrase), redactor);
    Path kubeconfigFile = options.kubeconfig(spec.name());
    ApiStepRunner api = new ApiStepRunner(kubeconfig -> {
      writePrivate(kubeconfigFile, kubeconfig);
      if (spec.bastionHost().isEmpty() || options.isDirectApi()) {
        return KubernetesApi.fromKubeconfig(kubeconfig, Optional.empty());
      }
      String[] endpoint = KubeadmConfig.controlPlaneEndpoint(spec).split(":");
      LocalForward f = connector.forward(endpoint[0], Integer.parseInt(endpoint[1]));
      return KubernetesApi.fromKubeconfig(kubeconfig, Optional.of("https://127.0.0.1:" + f.localPort())).closing(f);
    }, options.retries(), options.readyTimeout());
    SshStepRunner runner = new SshStepRunner(connector, h -> connector.target(spec.requireHost(h)),
        Duration.ofSeconds(spec.ssh().commandTimeoutSeconds()), api, options.retries());
    BuildExecutor executor = BuildExecutor.builder().runner(runner).listener(options.listener())
        .parallelism(options.effectiveParallelism(spec.hosts().size())).retries(options.retries()).redactor(redactor).build();
    try (Journal journal = Journal.open(options.stateDirectory(spec.name()))) {
      if (oneOff) {
        try (Journal none = Journal.inMemory()) {
          return executor.execute(plan, none);
        }
      }
      return executor.execute(plan, journal);
    }
  }

  /** Writes a file only its owner can read, atomically (kubeconfigs hold cluster-admin credentials). */
  static void writePrivate(Path file, String content) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".kubesmith-", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the kubeconfig " + file + ": " + e.getMessage(), e);
    }
  }
}
