package dev.kubesmith.upstream;

import java.util.Objects;

/**
 * One pinned upstream file: where it lives in a mirror, where upstream publishes it, and its SHA-256.
 *
 * <pre>{@code
 * UpstreamFile calico = new UpstreamFile("calico", "v3.32.1", "calico/calico.yaml",
 *     "https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests/calico.yaml", "a1df91...");
 * }</pre>
 */
public record UpstreamFile(String project, String version, String mirrorPath, String upstreamUrl, String sha256) {
  public UpstreamFile {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(mirrorPath, "mirrorPath");
    Objects.requireNonNull(upstreamUrl, "upstreamUrl");
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits for " + mirrorPath);
    }
  }

  @Override
  public String toString() {
    return project + " " + version + " (" + mirrorPath + ")";
  }
}
