package dev.kubesmith.cluster;

import dev.kubesmith.exec.BuildExecutor;
import dev.kubesmith.exec.BuildListener;
import dev.kubesmith.exec.Retries;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How {@link Cluster#apply(ApplyOptions)} runs: where the journal and the admin kubeconfig go,
 * parallelism, retries, timeouts, progress listener. Setters only store; defaults are resolved at apply.
 *
 * <pre>{@code
 * cluster.apply(ApplyOptions.defaults().listener(progress).parallelism(30).stateDirectory(Path.of(".kubesmith")));
 * }</pre>
 */
public final class ApplyOptions {
  private Path stateDirectory;
  private Path kubeconfig;
  private BuildListener listener = BuildListener.NONE;
  private Integer parallelism;
  private Retries retries = Retries.ofDefaults();
  private Duration readyTimeout = Duration.ofMinutes(15);
  private boolean directApi;
  private Path bundle;

  private ApplyOptions() {}

  public static ApplyOptions defaults() {
    return new ApplyOptions();
  }

  /** Where the journal and lock live; {@code ~/.kubesmith/<cluster name>} by default. */
  public ApplyOptions stateDirectory(Path dir) {
    this.stateDirectory = dir;
    return this;
  }

  /** Where admin.conf is written (mode 0600); {@code <state directory>/admin.conf} by default. */
  public ApplyOptions kubeconfig(Path file) {
    this.kubeconfig = file;
    return this;
  }

  public ApplyOptions listener(BuildListener listener) {
    this.listener = listener;
    return this;
  }

  public ApplyOptions parallelism(int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
    }
    this.parallelism = parallelism;
    return this;
  }

  public ApplyOptions retries(Retries retries) {
    this.retries = retries;
    return this;
  }

  /** How long to wait for nodes to become Ready. */
  public ApplyOptions readyTimeout(Duration timeout) {
    this.readyTimeout = timeout;
    return this;
  }

  /** Reach the API server directly even when the spec has a bastion (the operator is on the private network). */
  public ApplyOptions directApi() {
    this.directApi = true;
    return this;
  }

  /**
   * Installs from an offline bundle made by {@link Cluster#bundle}: its manifest is checked before
   * any host is touched, it is copied to the bastion (the first master without one) and served from
   * there, every package comes from it and every upstream manifest too. See
   * {@link dev.kubesmith.bundle.OfflineInstall}.
   */
  public ApplyOptions bundle(Path dir) {
    this.bundle = dir;
    return this;
  }

  /** The offline bundle to install from, if any. */
  public Optional<Path> bundle() {
    return Optional.ofNullable(bundle);
  }

  Path stateDirectory(String cluster) {
    return Optional.ofNullable(stateDirectory)
        .orElseGet(() -> Path.of(System.getProperty("user.home"), ".kubesmith", cluster));
  }

  Path kubeconfig(String cluster) {
    return Optional.ofNullable(kubeconfig).orElseGet(() -> stateDirectory(cluster).resolve("admin.conf"));
  }

  BuildListener listener() {
    return listener;
  }

  /**
   * One slot per host unless set (at most 256): host steps are mostly waiting on remote work, and
   * fewer slots than hosts make a wide phase (preparing 100 workers) queue behind itself.
   */
  int effectiveParallelism(int hosts) {
    return parallelism != null ? parallelism : Math.min(256, Math.max(BuildExecutor.DEFAULT_PARALLELISM, hosts));
  }

  Retries retries() {
    return retries;
  }

  Duration readyTimeout() {
    return readyTimeout;
  }

  boolean isDirectApi() {
    return directApi;
  }
}
