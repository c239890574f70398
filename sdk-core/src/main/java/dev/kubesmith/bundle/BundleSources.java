package dev.kubesmith.bundle;

import java.util.List;
import java.util.Objects;

/**
 * Where an offline bundle's packages come from: sources.list lines for apt on the operator machine,
 * e.g. a site's own Debian mirror and its copy of the Kubernetes package repository.
 *
 * <pre>{@code
 * BundleSources sources = BundleSources.of(
 *     "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example.com/debian bookworm main",
 *     "deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.34/deb/ /");
 * }</pre>
 */
public final class BundleSources {
  /** Debian's archive key as the debian-archive-keyring package installs it. */
  public static final String DEBIAN_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";
  /** Where {@link #defaults(String)} expects the Kubernetes repository's key (binary, dearmored). */
  public static final String KUBERNETES_KEYRING = "/etc/apt/keyrings/kubernetes-apt-keyring.gpg";
  private final List<String> lines;

  private BundleSources(List<String> lines) {
    this.lines = List.copyOf(lines);
  }

  /** Exactly these sources.list lines. */
  public static BundleSources of(String... lines) {
    return of(List.of(lines));
  }

  public static BundleSources of(List<String> lines) {
    if (lines.isEmpty() || lines.stream().anyMatch(l -> l == null || !l.strip().startsWith("deb ") || l.contains("\n"))) {
      throw new BundleException("bundle sources " + lines + ": give sources.list lines, one per source, each starting"
          + " with 'deb ', e.g. deb [signed-by=" + DEBIAN_KEYRING + "] http://deb.debian.org/debian bookworm main");
    }
    return new BundleSources(lines);
  }

  /**
   * Debian 12 from deb.debian.org (main, updates, security) and pkgs.k8s.io for the Kubernetes minor
   * of {@code kubernetesVersion}, whose key must be at {@value #KUBERNETES_KEYRING} on this machine
   * ({@code curl -fsSL https://pkgs.k8s.io/core:/stable:/v1.34/deb/Release.key | gpg --dearmor -o ...}).
   */
  public static BundleSources defaults(String kubernetesVersion) {
    String[] v = Objects.requireNonNull(kubernetesVersion, "kubernetesVersion").split("\\.");
    String minor = v[0] + "." + (v.length > 1 ? v[1] : "0");
    return of("deb [signed-by=" + DEBIAN_KEYRING + "] http://deb.debian.org/debian bookworm main",
        "deb [signed-by=" + DEBIAN_KEYRING + "] http://deb.debian.org/debian bookworm-updates main",
        "deb [signed-by=" + DEBIAN_KEYRING + "] http://deb.debian.org/debian-security bookworm-security main",
        "deb [signed-by=" + KUBERNETES_KEYRING + "] https://pkgs.k8s.io/core:/stable:/v" + minor + "/deb/ /");
  }

  public List<String> lines() {
    return lines;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BundleSources b && b.lines.equals(lines);
  }

  @Override
  public int hashCode() {
    return lines.hashCode();
  }

  @Override
  public String toString() {
    return "BundleSources" + lines;
  }
}
