package dev.kubesmith.bootstrap;

import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Problem;
import dev.kubesmith.spec.SpecValidator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * containerd's whole configuration for a Kubernetes node, rendered by kubesmith instead of
 * sed-editing the distribution's default: containerd 2.x's default has no {@code SystemdCgroup}
 * line to edit, Docker's containerd.io ships a file with the CRI plugin disabled, and the default
 * sandbox image (pause:3.6 on Debian 12) is not the one kubeadm expects. Two files are planned; the
 * host preparation script installs the one that matches the containerd it finds.
 *
 * <pre>{@code
 * String v2 = ContainerdConfig.version2(spec);        // containerd 1.7: config version 2
 * String v3 = ContainerdConfig.version3(spec);        // containerd 2.x: config version 3
 * String pause = ContainerdConfig.sandboxImage(spec); // registry.k8s.io/pause:3.10.1 for 1.34
 * }</pre>
 */
public final class ContainerdConfig {
  /** The configuration for containerd 1.7 (config version 2), copied to /etc/containerd/config.toml. */
  public static final String VERSION2_FILE = "/etc/kubesmith/containerd/config-v2.toml";
  /** The configuration for containerd 2.x (config version 3). */
  public static final String VERSION3_FILE = "/etc/kubesmith/containerd/config-v3.toml";
  /** kubeadm's default imageRepository; the spec has no other yet. */
  public static final String DEFAULT_IMAGE_REPOSITORY = "registry.k8s.io";

  /**
   * kubeadm's {@code PauseVersion} (cmd/kubeadm/app/constants/constants.go) per Kubernetes minor:
   * 3.10 on release-1.31 and release-1.32 (read there), 3.10.1 from 1.34 (kubernetes#130713).
   */
  private static final Map<Integer, String> PAUSE = Map.of(
      28, "3.9", 29, "3.9", 30, "3.9", 31, "3.10", 32, "3.10", 33, "3.10", 34, "3.10.1", 35, "3.10.1");

  /**
   * The oldest containerd release of each series recommended for a Kubernetes minor, from the
   * "Kubernetes Support" table of containerd's RELEASES.md. containerd 1.6 is left out: it reached
   * its end of life on 2025-07-23 (Debian 12 ships 1.6.20). A series newer than all listed is accepted.
   */
  private static final Map<Integer, List<String>> MINIMUMS = Map.of(
      28, List.of("1.7.0"),
      29, List.of("1.7.11"),
      30, List.of("2.1.0", "2.0.0", "1.7.13"),
      31, List.of("2.1.0", "2.0.0", "1.7.20"),
      32, List.of("2.1.0", "2.0.1", "1.7.24"),
      33, List.of("2.1.0", "2.0.4", "1.7.24"),
      34, List.of("2.1.3", "2.0.6", "1.7.28"),
      35, List.of("2.2.0", "2.1.5", "1.7.28"));

  /** The newest Kubernetes minor whose pause image and containerd support kubesmith knows. */
  public static final int MAX_MINOR = 35;

  private ContainerdConfig() {}

  /** kubeadm's pause image version for the spec's Kubernetes minor. */
  public static String pauseVersion(String kubernetesVersion) {
    String v = PAUSE.get(SpecValidator.minor(kubernetesVersion));
    if (v == null) {
      throw new IllegalArgumentException("no known pause image for Kubernetes " + kubernetesVersion
          + "; kubesmith knows 1." + SpecValidator.MIN_MINOR + " to 1." + MAX_MINOR);
    }
    return v;
  }

  /** The image repository the cluster pulls kubeadm's images from. */
  public static String imageRepository(ClusterSpec spec) {
    return DEFAULT_IMAGE_REPOSITORY;
  }

  /** The sandbox (pause) image kubeadm expects, e.g. registry.k8s.io/pause:3.10.1. */
  public static String sandboxImage(ClusterSpec spec) {
    return imageRepository(spec) + "/pause:" + pauseVersion(spec.kubernetesVersion());
  }

  /** The oldest supported containerd of each series for the spec's Kubernetes, newest series first. */
  public static List<String> minimums(String kubernetesVersion) {
    List<String> m = MINIMUMS.get(SpecValidator.minor(kubernetesVersion));
    if (m == null) {
      throw new IllegalArgumentException("no known containerd support for Kubernetes " + kubernetesVersion);
    }
    return m;
  }

  /** Kubernetes versions kubesmith cannot prepare nodes for; malformed or too old versions are SpecValidator's. */
  public static List<Problem> problems(ClusterSpec spec) {
    int minor = SpecValidator.minor(spec.kubernetesVersion());
    if (minor > MAX_MINOR) {
      return List.of(new Problem("kubernetesVersion", spec.kubernetesVersion(),
          "is newer than 1." + MAX_MINOR + ", the newest release whose pause image and containerd support kubesmith knows",
          "choose 1." + MAX_MINOR + ".x or older, e.g. " + ClusterSpec.DEFAULT_KUBERNETES_VERSION));
    }
    return List.of();
  }

  /** containerd 1.7's configuration (version 2): systemd cgroups, kubeadm's pause image, CNI paths. */
  public static String version2(ClusterSpec spec) {
    String cri = "plugins.\"io.containerd.grpc.v1.cri\"";
    return header(spec, "1.7", 2)
        + "[" + cri + "]\n"
        + "  sandbox_image = \"" + sandboxImage(spec) + "\"\n\n"
        + "[" + cri + ".containerd]\n"
        + "  default_runtime_name = \"runc\"\n\n"
        + "[" + cri + ".containerd.runtimes.runc]\n"
        + "  runtime_type = \"io.containerd.runc.v2\"\n\n"
        + "[" + cri + ".containerd.runtimes.runc.options]\n"
        + "  SystemdCgroup = true\n\n"
        // where Calico's install-cni writes; Debian's package has the same default, others may not
        + "[" + cri + ".cni]\n"
        + "  bin_dir = \"/opt/cni/bin\"\n"
        + "  conf_dir = \"/etc/cni/net.d\"\n"
        + registry(spec, cri + ".registry");
  }

  /** Where containerd reads registry hosts (docs/hosts.md), when the spec has a registry mirror. */
  public static final String HOSTS_DIR = "/etc/containerd/certs.d";
  /** The hosts.toml for every registry that has no directory of its own. */
  public static final String DEFAULT_HOSTS = HOSTS_DIR + "/_default/hosts.toml";

  private static String registry(ClusterSpec spec, String table) {
    return spec.registryMirror().map(m -> "\n[" + table + "]\n  config_path = \"" + HOSTS_DIR + "\"\n").orElse("");
  }

  /**
   * containerd's {@code _default} hosts.toml for the spec's registry mirror: it is the server (so no
   * upstream registry is tried after it) and a host that may pull and resolve. An image
   * {@code REGISTRY/PATH:TAG} is then pulled as {@code MIRROR/PATH:TAG}.
   */
  public static Optional<String> defaultHosts(ClusterSpec spec) {
    return spec.registryMirror().map(m -> "# Written by kubesmith: every image from the registry mirror " + m + ".\n"
        + "server = \"https://" + m + "\"\n\n"
        + "[host.\"https://" + m + "\"]\n"
        + "  capabilities = [\"pull\", \"resolve\"]\n");
  }

  /**
   * containerd 2.x's configuration (version 3): the CRI plugin is split into images and runtime;
   * the sandbox image is the pinned image {@code sandbox}. CNI paths stay at their defaults
   * (/opt/cni/bin, /etc/cni/net.d): 2.0 and 2.1 spell the key differently (bin_dir, bin_dirs).
   */
  public static String version3(ClusterSpec spec) {
    String runtime = "plugins.\"io.containerd.cri.v1.runtime\"";
    return header(spec, "2.x", 3)
        + "[plugins.\"io.containerd.cri.v1.images\".pinned_images]\n"
        + "  sandbox = \"" + sandboxImage(spec) + "\"\n\n"
        + "[" + runtime + ".containerd]\n"
        + "  default_runtime_name = \"runc\"\n\n"
        + "[" + runtime + ".containerd.runtimes.runc]\n"
        + "  runtime_type = \"io.containerd.runc.v2\"\n\n"
        + "[" + runtime + ".containerd.runtimes.runc.options]\n"
        + "  SystemdCgroup = true\n"
        + registry(spec, "plugins.\"io.containerd.cri.v1.images\".registry");
  }

  private static String header(ClusterSpec spec, String containerd, int configVersion) {
    return "# Written by kubesmith for containerd " + containerd + " on a Kubernetes " + spec.kubernetesVersion()
        + " node of cluster " + spec.name() + ".\n"
        + "# The CRI plugin is enabled (Docker's containerd.io package ships it disabled).\n"
        + "version = " + configVersion + "\n\n";
  }
}
