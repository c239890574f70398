package dev.kubesmith.plan;

import dev.kubesmith.spec.KubesmithStyle;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.immutables.value.Value;

/**
 * One named, idempotent unit of the build. A host step uploads its files and runs its commands on
 * that host over SSH; a cluster step (no host) applies its manifests through the Kubernetes API.
 * {@link #check()} exits 0 when the step's effect is already there, so re-runs skip it.
 *
 * <pre>{@code
 * Step s = Step.builder().id("haproxy@lb1").phase(Phase.LOAD_BALANCER).host("lb1")
 *     .description("HAProxy in front of the masters")
 *     .addFiles(FileArtifact.of("/etc/haproxy/haproxy.cfg", cfg))
 *     .addCommands("systemctl reload-or-restart haproxy").build();
 * }</pre>
 */
@Value.Immutable
@KubesmithStyle
public interface Step {
  /** Unique in the plan, e.g. {@code kubeadm-init@master1}. */
  String id();

  Phase phase();

  /** The host it runs on; empty for a step that works through the Kubernetes API. */
  Optional<String> host();

  String description();

  /** Ids of the steps that must finish first. */
  List<String> dependsOn();

  /** Phases all of whose steps must finish first; the plan turns them into {@link #dependsOn()}. */
  Set<Phase> afterPhases();

  List<FileArtifact> files();

  List<Manifest> manifests();

  /** Shell commands run in order (as root: through {@code sudo -n} for other users). */
  List<String> commands();

  /**
   * Secrets this step reads off its host after its commands: secret name to a command whose
   * trimmed standard output becomes the secret's value. Values are never logged or rendered.
   */
  Map<String, String> captures();

  /**
   * Facts this step reads off its host after its commands: fact name (see {@link Facts}) to a
   * command whose trimmed standard output is the value, kept for {@code {{fact:host:name}}}. Facts
   * are not secrets (not redacted); a step that reads facts runs on every apply.
   */
  Map<String, String> facts();

  /**
   * The Debian packages this (host) step's commands install, as apt-get takes them (a version
   * pattern allowed: {@code kubeadm=1.34.2-*}). Read by the offline bundle, which must hold their
   * whole closure; a step that installs a package it does not list here has a bundle that lacks it.
   */
  List<String> packages();

  /**
   * Directories copied to this (host) step's host before its files and commands: the host's
   * directory to a local one. Only files whose SHA-256 differs on the host are sent, each written
   * atomically; files under the host's directory that the local one lacks are removed (the
   * directory is the SDK's own, e.g. the offline bundle in /var/lib/kubesmith/bundle).
   */
  Map<String, String> directories();

  /** Kubernetes nodes that must be Ready before this (cluster) step applies its manifests. */
  List<String> readyNodes();

  /**
   * What must be ready after this (cluster) step applied its manifests, each as {@code kind/name} or
   * {@code kind/namespace/name}: {@code crd/<name>} (Established), {@code deployment/...},
   * {@code statefulset/...}, {@code daemonset/...} (all replicas ready). See {@link Readiness}.
   */
  List<String> waitFor();

  /** A shell command that exits 0 when the step is already done. */
  Optional<String> check();

  /** How long the step usually takes, for progress estimates and the critical path. */
  @Value.Default
  default Duration estimate() {
    return Duration.ofSeconds(5);
  }

  @Value.Check
  default void checkId() {
    if (!id().matches("[A-Za-z0-9._@/:-]+")) {
      throw new IllegalArgumentException("step id may hold letters, digits and . _ @ / : - only: " + id());
    }
    waitFor().forEach(Readiness::parse); // rejects a malformed wait when the step is built
  }

  static ImmutableStep.Builder builder() {
    return ImmutableStep.builder();
  }
}
