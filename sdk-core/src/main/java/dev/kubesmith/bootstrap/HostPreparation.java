package dev.kubesmith.bootstrap;

import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Problem;
import dev.kubesmith.spec.Role;
import dev.kubesmith.spec.SpecValidator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The files and script that prepare a host, on Debian/Ubuntu (apt) and the RHEL family (dnf). A node
 * gets swap off (kept off), overlay and br_netfilter (persisted), bridged-traffic sysctls, a supported
 * containerd with kubesmith's own configuration ({@link ContainerdConfig}) and kubelet/kubeadm/kubectl
 * pinned and held; every host gets its hostname (kept by cloud-init, where present) and an /etc/hosts
 * block. {@code prepare-host.sh --check} exits 0 when all of that is already in place. The script
 * never reads standard input and installs packages non-interactively.
 *
 * <pre>{@code
 * String script = HostPreparation.script(spec, spec.requireHost("worker1"));
 * String hosts = HostPreparation.hostsBlock(spec, spec.requireHost("worker1"));   // itself, masters, LBs, ...
 * }</pre>
 */
public final class HostPreparation {
  public static final String SCRIPT = "/usr/local/lib/kubesmith/prepare-host.sh";
  public static final String HOSTS_BLOCK = "/etc/kubesmith/hosts";
  /** The host's inventory name, which the script sets as its hostname (the script itself is shared). */
  public static final String HOST_NAME_FILE = "/etc/kubesmith/host-name";
  public static final String MODULES = "/etc/modules-load.d/kubesmith.conf";
  public static final String SYSCTL = "/etc/sysctl.d/99-kubesmith.conf";
  /** Written only where cloud-init is present: keeps the hostname kubesmith set across reboots. */
  public static final String CLOUD_INIT_DROP_IN = "/etc/cloud/cloud.cfg.d/99-kubesmith-hostname.cfg";

  private static final String TEMPLATE = load("prepare-host.sh");

  private HostPreparation() {}

  /** What the host becomes: a node, a load balancer, or another host (bastion, NFS). */
  public static String mode(Host host) {
    if (host.has(Role.MASTER) || host.has(Role.WORKER)) {
      return "node";
    }
    return host.has(Role.LB) ? "lb" : "base";
  }

  /**
   * The /etc/hosts lines for one host: itself, the masters, the load balancers, the bastion and
   * the NFS host, in inventory order. Nothing else resolves names: kubeadm, etcd, haproxy,
   * keepalived, Calico and the SDK's SSH all use IP addresses, and the API server reaches kubelets
   * by their InternalIP (kubeadm sets --kubelet-preferred-address-types=InternalIP,...). The node's
   * own name must resolve (kubeadm's preflight, sudo); the few infrastructure names are kept for
   * people on the host. Listing every worker on every host made the plan grow with the square of
   * the host count (2,007 hosts wrote 212 MB); this keeps each file to a handful of lines.
   */
  public static String hostsBlock(ClusterSpec spec, Host host) {
    return hostsBlocks(spec).apply(host);
  }

  /**
   * {@link #hostsBlock} for every host of the spec, computed once: the lines all hosts share (every
   * host but the pure workers) are one String, which a pure worker gets with its own line put in at
   * its place. Linear in the host count, where calling hostsBlock per host is quadratic.
   */
  static java.util.function.Function<Host, String> hostsBlocks(ClusterSpec spec) {
    List<Host> hosts = spec.hosts();
    StringBuilder shared = new StringBuilder();
    Map<String, Integer> offset = new java.util.HashMap<>(); // a pure worker's line goes in here
    for (Host h : hosts) {
      if (pureWorker(h)) {
        offset.put(h.name(), shared.length());
      } else {
        shared.append(line(h));
      }
    }
    String common = shared.toString();
    return host -> {
      Integer at = offset.get(host.name());
      return at == null ? common : common.substring(0, at) + line(host) + common.substring(at);
    };
  }

  private static boolean pureWorker(Host h) {
    return h.has(Role.WORKER) && !h.has(Role.MASTER);
  }

  private static String line(Host h) {
    return h.privateIp() + ' ' + h.name() + '\n';
  }

  /**
   * The Debian packages prepare-host.sh installs on a host of this kind: on a node, containerd
   * (Docker's containerd.io when the sources have it, the distribution's otherwise), the tools to
   * add the Kubernetes repository, and kubelet, kubeadm and kubectl at the spec's version; nothing
   * on the other kinds.
   */
  public static List<String> packages(ClusterSpec spec, Host host) {
    if (!"node".equals(mode(host))) {
      return List.of();
    }
    String v = spec.kubernetesVersion() + "-*";
    return List.of("containerd.io|containerd", "apt-transport-https", "ca-certificates", "curl", "gpg",
        "kubelet=" + v, "kubeadm=" + v, "kubectl=" + v);
  }

  public static String modules() {
    return "overlay\nbr_netfilter\n";
  }

  /** Bridged traffic and forwarding for a node. */
  public static String sysctl(Host host) {
    return "net.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\nnet.ipv4.ip_forward = 1\n";
  }

  /** What the spec already tells that no host could prepare for (e.g. a Kubernetes newer than kubesmith knows). */
  public static List<Problem> problems(ClusterSpec spec) {
    return ContainerdConfig.problems(spec);
  }

  /** The content of {@link #HOST_NAME_FILE} for one host. */
  public static String hostName(Host host) {
    return host.name() + "\n";
  }

  /**
   * The preparation script for one host: the same text for every host of its {@link #mode} (the
   * name comes from {@link #HOST_NAME_FILE}), so a plan of many hosts holds it a few times, not once
   * per host.
   */
  public static String script(ClusterSpec spec, Host host) {
    String version = spec.kubernetesVersion();
    return TEMPLATE
        .replace("@HOST_NAME_FILE@", HOST_NAME_FILE)
        .replace("@MODE@", mode(host))
        .replace("@K8S_VERSION@", version)
        .replace("@K8S_MINOR@", "v1." + SpecValidator.minor(version))
        .replace("@CONTAINERD_MINIMUMS@", String.join(" ", ContainerdConfig.minimums(version)))
        .replace("@CONTAINERD_V2@", ContainerdConfig.VERSION2_FILE)
        .replace("@CONTAINERD_V3@", ContainerdConfig.VERSION3_FILE)
        .replace("@HOSTS_BLOCK@", HOSTS_BLOCK)
        .replace("@SYSCTL@", SYSCTL)
        .replace("@CLOUD_INIT_DROP_IN@", CLOUD_INIT_DROP_IN)
        .replace("@BUNDLE_APT@", dev.kubesmith.bundle.OfflineInstall.APT_CONFIG);
  }

  private static String load(String name) {
    try (InputStream in = HostPreparation.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the resource " + name + " is missing from sdk-core");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
