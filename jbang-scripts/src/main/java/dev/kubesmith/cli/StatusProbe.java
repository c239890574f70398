package dev.kubesmith.cli;

import dev.kubesmith.addons.ingress.TraefikManifests;
import dev.kubesmith.addons.logging.LoggingManifests;
import dev.kubesmith.addons.monitoring.KubePrometheusManifests;
import dev.kubesmith.addons.storage.RookCephManifests;
import dev.kubesmith.cli.ClusterStatus.AddonStatus;
import dev.kubesmith.cli.ClusterStatus.CertificateStatus;
import dev.kubesmith.cli.ClusterStatus.NodeStatus;
import dev.kubesmith.cli.ClusterStatus.VipStatus;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.ssh.CommandResult;
import dev.kubesmith.ssh.HostConnection;
import dev.kubesmith.ssh.Redactor;
import dev.kubesmith.ssh.SshConnector;
import dev.kubesmith.ssh.SshException;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Gathers a {@link ClusterStatus}: nodes and addons through the Kubernetes API (through an SSH
 * forward over the bastion, as apply does), the VIP holders with {@code ip -o addr} on each load
 * balancer over SSH, and the API server certificate from its TLS handshake. What cannot be reached
 * is recorded, not thrown, so the report shows everything else.
 */
final class StatusProbe {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
  private static final int TIMEOUT_MS = 15_000;
  private static final String ROLE_LABEL = "node-role.kubernetes.io/";

  /** A workload an addon creates, by kind (deployment, daemonset, statefulset) and name. */
  record Workload(String kind, String name) {}

  /** An addon as status finds it: its namespace and the workloads that must be ready. */
  record AddonProbe(String name, String namespace, List<Workload> workloads) {}

  /** The addons status knows, in the order --addons lists them. */
  static final List<AddonProbe> ADDONS = List.of(
      new AddonProbe("rook-ceph", RookCephManifests.NAMESPACE, List.of(new Workload("deployment", "rook-ceph-operator"))),
      new AddonProbe("kube-prometheus", KubePrometheusManifests.NAMESPACE, List.of(
          new Workload("deployment", "prometheus-operator"), new Workload("deployment", "grafana"),
          new Workload("deployment", "kube-state-metrics"), new Workload("daemonset", "node-exporter"))),
      new AddonProbe("traefik", TraefikManifests.NAMESPACE, List.of(new Workload("daemonset", TraefikManifests.NAME))),
      new AddonProbe("logging", LoggingManifests.NAMESPACE, List.of(
          new Workload("statefulset", LoggingManifests.ELASTICSEARCH), new Workload("deployment", LoggingManifests.KIBANA),
          new Workload("daemonset", LoggingManifests.FLUENT_BIT))));

  private StatusProbe() {}

  /**
   * @param kubeconfig the admin kubeconfig's text (as apply wrote it)
   * @param expectedAddons the addons named with --addons: missing ones make the cluster unhealthy
   * @param directApi reach the API server directly instead of through the bastion
   */
  static ClusterStatus probe(Cluster cluster, String kubeconfig, Set<String> expectedAddons, boolean directApi) {
    ClusterSpec spec = cluster.spec();
    List<String> unreachable = new ArrayList<>();
    List<NodeStatus> nodes = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<AddonStatus> addons = new ArrayList<>();
    Optional<CertificateStatus> certificate = Optional.empty();
    try (SshConnector ssh = SshConnector.forSpec(spec, cluster.ssh().flatMap(Ssh::passphrase), new Redactor())) {
      URI server = URI.create(Config.fromKubeconfig(kubeconfig).getMasterUrl());
      Optional<SshConnector> overBastion = spec.bastionHost().isPresent() && !directApi ? Optional.of(ssh) : Optional.empty();
      try (ApiAccess access = ApiAccess.borrowing(kubeconfig, overBastion, TIMEOUT_MS)) {
        try {
          readNodes(access.client(), spec, nodes, missing);
          for (AddonProbe a : ADDONS) {
            addons.add(addon(access.client(), a, expectedAddons.contains(a.name())));
          }
        } catch (KubernetesClientException e) {
          unreachable.add("the API server " + server + " did not answer: " + firstLine(e)
              + "; check that kube-apiserver runs on the masters");
        }
        certificate = certificate(access.endpoint(), server, unreachable);
      } catch (SshException e) {
        unreachable.add("the API server " + server + " through the bastion: " + e.getMessage());
      }
      List<VipStatus> vips = new ArrayList<>();
      spec.privateVip().ifPresent(v -> vips.add(vip(ssh, spec, "private", v, unreachable)));
      spec.publicVip().ifPresent(v -> vips.add(vip(ssh, spec, "public", v, unreachable)));
      return new ClusterStatus(spec.name(), spec.topology().toString(), nodes, missing, addons, vips, certificate,
          unreachable);
    }
  }

  private static void readNodes(KubernetesClient client, ClusterSpec spec, List<NodeStatus> nodes, List<String> missing) {
    List<Node> live = client.nodes().list().getItems();
    for (Node n : live) {
      nodes.add(node(n));
    }
    List<String> names = live.stream().map(n -> n.getMetadata().getName()).toList();
    spec.nodes().stream().map(Host::name).filter(h -> !names.contains(h)).forEach(missing::add);
  }

  static NodeStatus node(Node n) {
    List<NodeCondition> conditions = n.getStatus() == null || n.getStatus().getConditions() == null ? List.of()
        : n.getStatus().getConditions();
    Optional<NodeCondition> ready = conditions.stream().filter(c -> "Ready".equals(c.getType())).findFirst();
    boolean isReady = ready.map(c -> "True".equals(c.getStatus())).orElse(false);
    String reason = ready.map(c -> c.getReason() == null ? "Ready=" + c.getStatus() : c.getReason()
        + (c.getMessage() == null ? "" : ": " + c.getMessage())).orElse("no Ready condition yet");
    Map<String, String> labels = n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
    List<String> roles = labels.keySet().stream().filter(k -> k.startsWith(ROLE_LABEL))
        .map(k -> k.substring(ROLE_LABEL.length())).filter(r -> !r.isEmpty()).sorted().toList();
    String version = n.getStatus() == null || n.getStatus().getNodeInfo() == null
        || n.getStatus().getNodeInfo().getKubeletVersion() == null ? "?" : n.getStatus().getNodeInfo().getKubeletVersion();
    String ip = n.getStatus() == null || n.getStatus().getAddresses() == null ? "?" : n.getStatus().getAddresses().stream()
        .filter(a -> "InternalIP".equals(a.getType())).map(a -> a.getAddress()).findFirst().orElse("?");
    return new NodeStatus(n.getMetadata().getName(), isReady, reason, roles, version, ip);
  }

  private static AddonStatus addon(KubernetesClient client, AddonProbe a, boolean expected) {
    if (client.namespaces().withName(a.namespace()).get() == null) {
      return new AddonStatus(a.name(), AddonStatus.State.ABSENT, "no namespace " + a.namespace(), expected);
    }
    List<String> details = new ArrayList<>();
    boolean allReady = true;
    for (Workload w : a.workloads()) {
      int[] readyOfWanted = readyOfWanted(client, a.namespace(), w);
      String where = w.kind() + " " + a.namespace() + "/" + w.name();
      if (readyOfWanted == null) {
        details.add(where + " missing");
        allReady = false;
      } else {
        details.add(where + " " + readyOfWanted[0] + "/" + readyOfWanted[1]);
        allReady &= readyOfWanted[0] >= readyOfWanted[1];
      }
    }
    return new AddonStatus(a.name(), allReady ? AddonStatus.State.READY : AddonStatus.State.NOT_READY,
        String.join(", ", details), expected);
  }

  /** {ready, wanted} replicas or pods, or null when the workload does not exist. */
  private static int[] readyOfWanted(KubernetesClient client, String ns, Workload w) {
    switch (w.kind()) {
      case "deployment" -> {
        var d = client.apps().deployments().inNamespace(ns).withName(w.name()).get();
        return d == null ? null : new int[] {orZero(d.getStatus() == null ? null : d.getStatus().getReadyReplicas()),
            d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas()};
      }
      case "statefulset" -> {
        var s = client.apps().statefulSets().inNamespace(ns).withName(w.name()).get();
        return s == null ? null : new int[] {orZero(s.getStatus() == null ? null : s.getStatus().getReadyReplicas()),
            s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas()};
      }
      case "daemonset" -> {
        var d = client.apps().daemonSets().inNamespace(ns).withName(w.name()).get();
        if (d == null) {
          return null;
        }
        var st = d.getStatus();
        // A DaemonSet no controller has looked at yet wants its pods, but how many is not known: at least one.
        int wanted = st == null || st.getDesiredNumberScheduled() == null ? 1 : Math.max(1, st.getDesiredNumberScheduled());
        return new int[] {orZero(st == null ? null : st.getNumberReady()), wanted};
      }
      default -> throw new IllegalStateException(w.kind());
    }
  }

  private static int orZero(Integer i) {
    return i == null ? 0 : i;
  }

  /**
   * The API server's serving certificate from a TLS handshake. Only its subject and dates are read,
   * nothing is sent on this connection, so it is accepted without verification; the API calls above
   * go through the kubeconfig's own verification.
   */
  private static Optional<CertificateStatus> certificate(InetSocketAddress api, URI server, List<String> unreachable) {
    X509Certificate[][] seen = new X509Certificate[1][];
    TrustManager record = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
        throw new UnsupportedOperationException("client side only");
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
        seen[0] = chain.clone();
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {record}, null);
      try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
        socket.connect(api, TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        socket.startHandshake();
      }
    } catch (IOException | GeneralSecurityException e) {
      unreachable.add("the API server certificate of " + server + " could not be read: " + firstLine(e));
      return Optional.empty();
    }
    if (seen[0] == null || seen[0].length == 0) {
      unreachable.add("the API server " + server + " sent no certificate");
      return Optional.empty();
    }
    X509Certificate leaf = seen[0][0];
    return Optional.of(new CertificateStatus(leaf.getSubjectX500Principal().getName(), leaf.getNotBefore().toInstant(),
        leaf.getNotAfter().toInstant()));
  }

  private static VipStatus vip(SshConnector ssh, ClusterSpec spec, String kind, String address, List<String> unreachable) {
    List<String> holders = new ArrayList<>();
    List<String> notAsked = new ArrayList<>();
    for (Host lb : spec.loadBalancers()) {
      try (HostConnection c = ssh.connect(ssh.target(lb))) {
        CommandResult r = c.run("ip -o addr show", COMMAND_TIMEOUT);
        if (!r.ok()) {
          notAsked.add(lb.name());
          unreachable.add(lb.name() + ": 'ip -o addr show' exited " + r.exitCode() + ": " + r.stderrTail(2));
          continue;
        }
        interfaceWith(r.stdout(), address).ifPresent(i -> holders.add(lb.name() + " (" + i + ")"));
      } catch (SshException e) {
        notAsked.add(lb.name());
        unreachable.add(lb.name() + " (load balancer) over SSH: " + e.getMessage());
      }
    }
    return new VipStatus(kind, address, holders, notAsked);
  }

  /**
   * The interface holding {@code address} in {@code ip -o addr show} output
   * ({@code 2: eth0    inet 192.168.4.100/32 scope global eth0 ...}), if any.
   */
  static Optional<String> interfaceWith(String ipOutput, String address) {
    return ipOutput.lines().map(String::trim).map(l -> l.split("\\s+"))
        .filter(t -> t.length >= 4 && (t[2].equals("inet") || t[2].equals("inet6")))
        .filter(t -> t[3].equals(address) || t[3].startsWith(address + "/"))
        .map(t -> t[1].replaceAll("[:@].*$", "")).findFirst();
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    return m.lines().findFirst().orElse(m).strip();
  }
}
