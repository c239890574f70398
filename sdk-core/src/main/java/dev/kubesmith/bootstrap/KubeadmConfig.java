package dev.kubesmith.bootstrap;

import dev.kubesmith.plan.Secrets;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.SpecValidator;
import dev.kubesmith.spec.Topology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * kubeadm configuration files: {@code kubeadm.k8s.io/v1beta4} from Kubernetes 1.31 on, v1beta3 before.
 * Join files carry secret placeholders only ({@link Secrets}).
 *
 * <pre>{@code
 * String init = KubeadmConfig.init(spec, spec.masters().get(0));   // InitConfiguration + ClusterConfiguration + KubeletConfiguration
 * String join = KubeadmConfig.join(spec, spec.workers().get(0));   // JoinConfiguration
 * }</pre>
 */
public final class KubeadmConfig {
  /** Secret names the join files refer to. */
  public static final String JOIN_TOKEN = "join-token";
  public static final String CA_CERT_HASH = "ca-cert-hash";
  public static final String CERTIFICATE_KEY = "certificate-key";
  /** The controller-manager flag kubeadm validates the pod subnet against (getClusterNodeMask). */
  public static final String NODE_MASK_FLAG = "node-cidr-mask-size-ipv4";

  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
      .enable(YAMLWriteFeature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .build();

  private KubeadmConfig() {}

  /** The kubeadm API version for a Kubernetes version. */
  public static String apiVersion(String kubernetesVersion) {
    return SpecValidator.minor(kubernetesVersion) >= 31 ? "kubeadm.k8s.io/v1beta4" : "kubeadm.k8s.io/v1beta3";
  }

  /** The API server endpoint every node joins through: the private VIP (HA) or the master. */
  public static String controlPlaneEndpoint(ClusterSpec spec) {
    String host = spec.topology() == Topology.HA ? spec.privateVip().orElseThrow() : spec.masters().get(0).privateIp();
    return host + ":6443";
  }

  /** Configuration for {@code kubeadm init --config ... --upload-certs} on the first master. */
  public static String init(ClusterSpec spec, Host master) {
    String api = apiVersion(spec.kubernetesVersion());
    Map<String, Object> init = doc(api, "InitConfiguration");
    init.put("localAPIEndpoint", endpoint(master));
    init.put("nodeRegistration", nodeRegistration(spec, master));
    Map<String, Object> cluster = doc(api, "ClusterConfiguration");
    cluster.put("clusterName", spec.name());
    cluster.put("kubernetesVersion", "v" + spec.kubernetesVersion());
    cluster.put("controlPlaneEndpoint", controlPlaneEndpoint(spec));
    Map<String, Object> net = new LinkedHashMap<>();
    net.put("podSubnet", spec.network().podCidr());
    net.put("serviceSubnet", spec.network().serviceCidr());
    net.put("dnsDomain", spec.network().dnsDomain());
    cluster.put("networking", net);
    cluster.put("apiServer", ordered("certSANs", certSans(spec)));
    // kubeadm (and the dual-stack controller-manager) read node-cidr-mask-size-ipv4; the plain
    // node-cidr-mask-size is ignored by kubeadm's pod-subnet check, which then assumes /24.
    cluster.put("controllerManager", ordered("extraArgs",
        args(api, ordered(NODE_MASK_FLAG, String.valueOf(spec.network().nodeCidrMaskSize())))));
    Map<String, Object> kubelet = new LinkedHashMap<>();
    kubelet.put("apiVersion", "kubelet.config.k8s.io/v1beta1");
    kubelet.put("kind", "KubeletConfiguration");
    kubelet.put("cgroupDriver", "systemd");
    return yaml(List.of(init, cluster, kubelet));
  }

  /** Configuration for {@code kubeadm join --config ...}; a master also gets its control-plane section. */
  public static String join(ClusterSpec spec, Host node) {
    String api = apiVersion(spec.kubernetesVersion());
    Map<String, Object> join = doc(api, "JoinConfiguration");
    Map<String, Object> token = new LinkedHashMap<>();
    token.put("apiServerEndpoint", controlPlaneEndpoint(spec));
    token.put("token", Secrets.placeholder(JOIN_TOKEN));
    token.put("caCertHashes", List.of(Secrets.placeholder(CA_CERT_HASH)));
    join.put("discovery", ordered("bootstrapToken", token));
    join.put("nodeRegistration", nodeRegistration(spec, node));
    if (node.has(dev.kubesmith.spec.Role.MASTER)) {
      Map<String, Object> cp = new LinkedHashMap<>();
      cp.put("localAPIEndpoint", endpoint(node));
      cp.put("certificateKey", Secrets.placeholder(CERTIFICATE_KEY));
      join.put("controlPlane", cp);
    }
    return yaml(List.of(join));
  }

  private static Map<String, Object> nodeRegistration(ClusterSpec spec, Host host) {
    Map<String, Object> reg = new LinkedHashMap<>();
    reg.put("name", host.name());
    reg.put("criSocket", "unix:///run/containerd/containerd.sock");
    // The kubelet must use the private interface, as the seed's Calico autodetection does.
    reg.put("kubeletExtraArgs", args(apiVersion(spec.kubernetesVersion()), ordered("node-ip", host.privateIp())));
    reg.put("taints", taints(spec, host));
    return reg;
  }

  /**
   * Taints from roles: a master keeps workloads off with the control-plane taint, unless it is also
   * a worker, or it is the only node that could run them (a single master without workers).
   */
  static List<Map<String, String>> taints(ClusterSpec spec, Host host) {
    boolean schedulable = host.has(dev.kubesmith.spec.Role.WORKER) || spec.workers().isEmpty();
    if (!host.has(dev.kubesmith.spec.Role.MASTER) || schedulable) {
      return List.of();
    }
    Map<String, String> t = new LinkedHashMap<>();
    t.put("key", "node-role.kubernetes.io/control-plane");
    t.put("effect", "NoSchedule");
    return List.of(t);
  }

  /** v1beta4 writes extra args as a list of name/value pairs, v1beta3 as a map. */
  private static Object args(String api, Map<String, String> args) {
    if (api.endsWith("v1beta3")) {
      return new LinkedHashMap<>(args);
    }
    List<Map<String, String>> list = new ArrayList<>();
    args.forEach((k, v) -> {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("name", k);
      m.put("value", v);
      list.add(m);
    });
    return list;
  }

  private static List<String> certSans(ClusterSpec spec) {
    Set<String> sans = new LinkedHashSet<>();
    spec.privateVip().ifPresent(sans::add);
    spec.publicVip().ifPresent(sans::add);
    for (Host m : spec.masters()) {
      sans.add(m.name());
      sans.add(m.privateIp());
      m.publicIp().ifPresent(sans::add);
    }
    // The operator reaches the API through an SSH forward on 127.0.0.1 when the VIP is private.
    sans.add("127.0.0.1");
    sans.add("localhost");
    return List.copyOf(sans);
  }

  // Map.of iterates in an order salted per JVM: kubeadm-config.yaml differed between identical runs.
  // Every map rendered here is insertion-ordered, so the same spec gives the same bytes.
  private static Map<String, Object> endpoint(Host host) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("advertiseAddress", host.privateIp());
    m.put("bindPort", 6443);
    return m;
  }

  private static <V> Map<String, V> ordered(String key, V value) {
    Map<String, V> m = new LinkedHashMap<>();
    m.put(key, value);
    return m;
  }

  private static Map<String, Object> doc(String api, String kind) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("apiVersion", api);
    m.put("kind", kind);
    return m;
  }

  private static String yaml(List<Map<String, Object>> docs) {
    StringBuilder sb = new StringBuilder();
    for (Map<String, Object> d : docs) {
      sb.append(YAML.writeValueAsString(d));
    }
    return sb.toString();
  }
}
