package dev.kubesmith.plan;

import dev.kubesmith.spec.KubesmithStyle;
import org.immutables.value.Value;

/**
 * A file a step writes on its host: absolute path, content, mode and owner. Content that needs a
 * secret carries a {@link Secrets#placeholder(String) placeholder} that is filled in only on the host.
 */
@Value.Immutable
@KubesmithStyle
public interface FileArtifact {
  /** Absolute path on the host. */
  String path();

  String content();

  /** POSIX mode, e.g. {@code 0644}. */
  @Value.Default
  default int mode() {
    return 0644;
  }

  @Value.Default
  default String owner() {
    return "root:root";
  }

  /**
   * False for a file the step's own command removes once it used it (a join configuration holding
   * a token): its absence afterwards does not make the step's check stale.
   */
  @Value.Default
  default boolean kept() {
    return true;
  }

  @Value.Check
  default void check() {
    if (!path().startsWith("/") || path().contains("..")) {
      throw new IllegalArgumentException("file path must be absolute without '..': " + path());
    }
  }

  /** The mode as four octal digits, e.g. {@code 0644}. */
  default String modeOctal() {
    return String.format("%04o", mode());
  }

  static FileArtifact of(String path, String content) {
    return builder().path(path).content(content).build();
  }

  static FileArtifact of(String path, String content, int mode) {
    return builder().path(path).content(content).mode(mode).build();
  }

  static ImmutableFileArtifact.Builder builder() {
    return ImmutableFileArtifact.builder();
  }
}
