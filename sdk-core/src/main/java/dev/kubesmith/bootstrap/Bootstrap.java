package dev.kubesmith.bootstrap;

import dev.kubesmith.component.PlanContext;
import dev.kubesmith.plan.Facts;
import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Role;
import dev.kubesmith.spec.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The core of every build, the seed's steps 1 and 4: prepare each host, {@code kubeadm init} on the
 * first master, read the join credentials, join the other masters one at a time and the workers in
 * parallel, then label the nodes. Load balancer, firewall and pod network steps come from components;
 * these steps wait for them by phase.
 */
public final class Bootstrap {
  public static final String KUBEADM_CONFIG = "/etc/kubernetes/kubeadm-config.yaml";
  public static final String KUBEADM_JOIN = "/etc/kubernetes/kubeadm-join.yaml";
  /** Secret holding admin.conf of the new cluster, read off the first master. */
  public static final String ADMIN_KUBECONFIG = "admin-kubeconfig";

  private Bootstrap() {}

  public static String prepareId(String host) {
    return "prepare@" + host;
  }

  public static String initId(ClusterSpec spec) {
    return "kubeadm-init@" + spec.masters().get(0).name();
  }

  public static String credentialsId(ClusterSpec spec) {
    return "join-credentials@" + spec.masters().get(0).name();
  }

  public static void contribute(PlanContext ctx) {
    ClusterSpec spec = ctx.spec();
    java.util.function.Function<Host, String> hostsBlocks = HostPreparation.hostsBlocks(spec);
    Map<String, String> scripts = new java.util.HashMap<>(); // one text per host kind (mode)
    for (Host h : spec.hosts()) {
      ctx.add(facts(h));
      String script = scripts.computeIfAbsent(HostPreparation.mode(h), m -> HostPreparation.script(spec, h));
      ctx.add(prepare(spec, h, hostsBlocks.apply(h), script));
    }
    Host first = spec.masters().get(0);
    ctx.add(Step.builder().id(initId(spec)).phase(Phase.CONTROL_PLANE).host(first.name())
        .description("kubeadm init on " + first.name() + " with the rendered config; certificates uploaded for the other masters")
        .addDependsOn(prepareId(first.name())).addAfterPhases(Phase.LOAD_BALANCER, Phase.FIREWALL)
        .addFiles(FileArtifact.of(KUBEADM_CONFIG, KubeadmConfig.init(spec, first), 0600))
        .addCommands(KubeadmCommands.init(spec, first,
            "kubeadm init --config " + KUBEADM_CONFIG + " --upload-certs --skip-token-print --skip-certificate-key-print"))
        .check(KubeadmCommands.initCheck()).estimate(Duration.ofSeconds(90)).build());
    ctx.add(credentials(spec, first));
    String previous = null;
    for (Host m : spec.masters().subList(1, spec.masters().size())) {
      Step join = join(spec, m, Phase.JOIN_MASTERS, previous);
      ctx.add(join);
      previous = join.id(); // masters join one at a time: etcd grows by one member at a time
    }
    for (Host w : spec.workers()) {
      if (!w.has(Role.MASTER)) {
        ctx.add(join(spec, w, Phase.JOIN_WORKERS, null));
      }
    }
    ctx.add(Step.builder().id("nodes").phase(Phase.NODES)
        .description("wait until all " + spec.nodes().size() + " nodes are Ready, then label them by role")
        .addDependsOn(credentialsId(spec)).addAfterPhases(Phase.JOIN_MASTERS, Phase.JOIN_WORKERS)
        .readyNodes(spec.nodes().stream().map(Host::name).toList())
        .addManifests(Manifest.of("node-labels", nodeLabels(spec))).estimate(Duration.ofSeconds(30)).build());
    if (spec.topology() == Topology.SINGLE_MASTER && spec.workers().isEmpty()) {
      ctx.note("single master without workers: " + first.name() + " gets no control-plane taint, so workloads run there");
    }
  }

  /**
   * Reads the host's facts on every apply (never journaled), before anything changes there. As it
   * connects to every host on every apply, a changed host key is noticed even when all else is done.
   */
  public static Step facts(Host h) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put(Facts.PRIVATE_INTERFACE, interfaceHolding(h, h.privateIp(), "private"));
    h.publicIp().ifPresent(ip -> facts.put(Facts.PUBLIC_INTERFACE, interfaceHolding(h, ip, "public")));
    facts.put(Facts.OS_ID, ". /etc/os-release && printf '%s' \"${ID:-}\"");
    facts.put(Facts.OS_VERSION, ". /etc/os-release && printf '%s' \"${VERSION_ID:-}\"");
    facts.put(Facts.INIT_SYSTEM, "ps -p 1 -o comm=");
    return Step.builder().id(Facts.stepId(h.name())).phase(Phase.PREPARE_HOSTS).host(h.name())
        .description("read the facts of " + h.name() + ": the interface carrying " + h.privateIp()
            + h.publicIp().map(ip -> " (and " + ip + ")").orElse("") + ", OS release, init system")
        .facts(facts).estimate(Duration.ofSeconds(1)).build();
  }

  /** The interface holding exactly {@code ip} (not a prefix of it), or a failure naming host, address and fix. */
  private static String interfaceHolding(Host h, String ip, String which) {
    return "ip -o -4 addr show | awk -v ip=" + ip + " '{ split($4, a, \"/\") } a[1] == ip { print $2; exit }' | grep . || { echo '"
        + h.name() + " has no network interface holding its " + which + " IP " + ip + " (ip -o -4 addr show lists none):"
        + " fix the " + which + " IP of " + h.name() + " in the inventory, or configure " + ip + " on the host' >&2; exit 1; }";
  }

  private static Step prepare(ClusterSpec spec, Host h, String hostsBlock, String script) {
    List<FileArtifact> files = new ArrayList<>();
    files.add(FileArtifact.of(HostPreparation.HOSTS_BLOCK, hostsBlock));
    files.add(FileArtifact.of(HostPreparation.HOST_NAME_FILE, HostPreparation.hostName(h)));
    if ("node".equals(HostPreparation.mode(h))) {
      // Load balancer sysctls (ip_nonlocal_bind) belong to the load balancer component.
      files.add(FileArtifact.of(HostPreparation.SYSCTL, HostPreparation.sysctl(h)));
      files.add(FileArtifact.of(HostPreparation.MODULES, HostPreparation.modules()));
      // both: the script installs the one for the containerd major it finds (1.7: v2, 2.x: v3)
      files.add(FileArtifact.of(ContainerdConfig.VERSION2_FILE, ContainerdConfig.version2(spec)));
      files.add(FileArtifact.of(ContainerdConfig.VERSION3_FILE, ContainerdConfig.version3(spec)));
      ContainerdConfig.defaultHosts(spec).ifPresent(t -> files.add(FileArtifact.of(ContainerdConfig.DEFAULT_HOSTS, t)));
    }
    files.add(FileArtifact.of(HostPreparation.SCRIPT, script, 0755));
    return Step.builder().id(prepareId(h.name())).phase(Phase.PREPARE_HOSTS).host(h.name())
        .description("prepare " + h.name() + " as " + HostPreparation.mode(h) + ": hostname, /etc/hosts"
            + ("node".equals(HostPreparation.mode(h)) ? ", swap off, kernel modules, sysctl, containerd, kubelet/kubeadm/kubectl "
            + spec.kubernetesVersion() + " held" : ""))
        .addDependsOn(Facts.stepId(h.name()))
        .files(files).addCommands(HostPreparation.SCRIPT).check(HostPreparation.SCRIPT + " --check")
        .packages(HostPreparation.packages(spec, h))
        .estimate(Duration.ofSeconds("node".equals(HostPreparation.mode(h)) ? 120 : 10)).build();
  }

  /**
   * Uploads the control-plane certificates and prints only the certificate key: fails, with
   * kubeadm's own exit status and output, when the upload fails or prints no 64-hex key.
   */
  static String uploadCerts(Host first) {
    return "out=$(kubeadm init phase upload-certs --upload-certs --config " + KUBEADM_CONFIG + ") || exit $?\n"
        + "key=$(printf '%s\\n' \"$out\" | tail -n 1)\n"
        + "if ! printf '%s' \"$key\" | grep -Eqx '[0-9a-f]{64}'; then\n"
        + "  echo '" + first.name() + ": kubeadm init phase upload-certs printed no certificate key (64 hex digits);"
        + " its output follows; see also kubectl -n kube-system get secret kubeadm-certs' >&2; printf '%s\\n' \"$out\" >&2; exit 1\n"
        + "fi\n"
        + "printf '%s\\n' \"$key\"";
  }

  private static Step credentials(ClusterSpec spec, Host first) {
    Map<String, String> captures = new LinkedHashMap<>();
    captures.put(KubeadmConfig.JOIN_TOKEN, "kubeadm token create --ttl 2h0m0s");
    captures.put(KubeadmConfig.CA_CERT_HASH, "openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt"
        + " | openssl pkey -pubin -outform der | openssl dgst -sha256 -hex | sed 's/^.* /sha256:/'");
    if (spec.masters().size() > 1) {
      // The uploaded certificates expire after 2 h; upload afresh on every run so a resumed build has a valid key.
      // no pipe into tail: under sh a failed upload would exit 0 with a log line as the "key"
      captures.put(KubeadmConfig.CERTIFICATE_KEY, uploadCerts(first));
    }
    captures.put(ADMIN_KUBECONFIG, "cat /etc/kubernetes/admin.conf");
    return Step.builder().id(credentialsId(spec)).phase(Phase.CONTROL_PLANE).host(first.name())
        .description("read a fresh join token, the CA certificate hash"
            + (spec.masters().size() > 1 ? ", a new certificate key" : "") + " and admin.conf (secrets, never logged)")
        .addDependsOn(initId(spec)).captures(captures).estimate(Duration.ofSeconds(5)).build();
  }

  private static Step join(ClusterSpec spec, Host h, Phase phase, String after) {
    var b = Step.builder();
    b.id((phase == Phase.JOIN_MASTERS ? "join-master@" : "join-worker@") + h.name()).phase(phase).host(h.name())
        .description("kubeadm join " + h.name() + (phase == Phase.JOIN_MASTERS ? " as a master" : " as a worker")
            + " through " + KubeadmConfig.controlPlaneEndpoint(spec))
        .addDependsOn(prepareId(h.name()), credentialsId(spec)).addAfterPhases(Phase.POD_NETWORK)
        // removed by the join command once used (token, certificate key): not part of the check
        .addFiles(FileArtifact.builder().path(KUBEADM_JOIN).content(KubeadmConfig.join(spec, h)).mode(0600).kept(false).build())
        .addCommands(KubeadmCommands.join(h, phase == Phase.JOIN_MASTERS, KUBEADM_JOIN))
        .check(KubeadmCommands.joinCheck(h, phase == Phase.JOIN_MASTERS))
        .estimate(Duration.ofSeconds(phase == Phase.JOIN_MASTERS ? 60 : 40));
    if (after != null) {
      b.addDependsOn(after);
    }
    return b.build();
  }

  private static String nodeLabels(ClusterSpec spec) {
    StringBuilder sb = new StringBuilder();
    for (Host h : spec.nodes()) {
      sb.append("---\napiVersion: v1\nkind: Node\nmetadata:\n  name: ").append(h.name()).append("\n  labels:\n");
      if (h.has(Role.MASTER)) {
        sb.append("    node-role.kubernetes.io/control-plane: \"\"\n");
      }
      if (h.has(Role.WORKER)) {
        sb.append("    node-role.kubernetes.io/worker: \"\"\n");
      }
      sb.append("    kubesmith.dev/cluster: ").append(spec.name()).append('\n');
    }
    return sb.toString();
  }
}
