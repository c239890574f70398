package dev.kubesmith.addons.ingress;

import dev.kubesmith.addons.internal.AddonSettings;
import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.PlanContext;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Readiness;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Problem;
import dev.kubesmith.spec.Topology;
import dev.kubesmith.upstream.UpstreamFile;
import java.time.Duration;
import dev.kubesmith.spec.Role;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Ingress with Traefik v3: the traefik.io CRDs of the Traefik Helm chart {@value #CHART_VERSION}, then
 * Traefik as a DaemonSet on host ports 80/443, in phase {@link Phase#ADDONS} after the nodes are up.
 * By default Traefik runs on the masters (tolerating their NoSchedule taint): on the single master,
 * or on every master behind the HAProxy pair's public VIP. {@link #onNodes(String...)} moves it to named
 * masters or workers; it records them in the {@value ComponentSpec#INGRESS_NODES} setting, which the
 * HAProxy pair reads for its 80/443 backends, so the load balancers follow Traefik (a re-apply re-renders
 * haproxy.cfg and reloads haproxy when the list changes). The plan notes the DNS record the ingress needs.
 *
 * <pre>{@code
 * Component ingress = Traefik.ha().domain("apps.example.com");          // or Traefik.defaults()
 * Component onWorkers = Traefik.defaults().onNodes("worker1", "worker2");
 * }</pre>
 */
public final class Traefik implements Component {
  /** The component's name in the YAML spec. */
  public static final String NAME = "traefik";
  /** The Helm chart release the CRDs are pinned to. */
  public static final String CHART_VERSION = "v41.3.0";
  public static final String DEFAULT_IMAGE = "docker.io/traefik:v3.5.3";
  public static final String SETTING_TOPOLOGY = "topology";
  /** Host names Traefik runs on, comma-separated; shared with the load balancer pair. */
  public static final String SETTING_NODES = ComponentSpec.INGRESS_NODES;
  public static final String SETTING_DOMAIN = "domain";
  public static final String SETTING_IMAGE = "image";
  public static final String STEP_CRDS = "traefik-crds";
  public static final String STEP_TRAEFIK = "traefik";

  /** The traefik.io CRDs of the chart; the hub.traefik.io ones are for Traefik Hub and left out. */
  public static final List<UpstreamFile> CRDS = List.of(
      crd("traefik.io_ingressroutes", "6c78d0550ca4dcce238b4a6b470f7e98b8ca834a02b5103b5c29e2dbdc05ad8a"),
      crd("traefik.io_ingressroutetcps", "c136e95e25ca2ccf9c8a9f481018ef82795a3bdb7a5e1216d4606eb87cd75bdf"),
      crd("traefik.io_ingressrouteudps", "ae071b931020038031f04e26ecbf08dc05261446c51d06bac629f8e1c637d97f"),
      crd("traefik.io_middlewares", "2d2e097725637a7fc372fab3492db2cb94860e7d463424bd6b341f6a2a81c685"),
      crd("traefik.io_middlewaretcps", "d9f8fba46ba6f96273de5c126175a7d222f9f9c3458b3df38d603bbf30e69bb5"),
      crd("traefik.io_serverstransports", "164d529984ce726950383a34ea38c5cfd5aedb67dc6e04dfd1ea0854f28cb954"),
      crd("traefik.io_serverstransporttcps", "5029d3326548033343dca5c9676a34699cf8c4e6327744902b705d845872fb97"),
      crd("traefik.io_tlsoptions", "d3f7095426cf8e899d3062fadb460cf1b6749f86af2616b50ff6a6c1c1e1ce21"),
      crd("traefik.io_tlsstores", "b649ddb4c1be3304f2edac2dc4fc16a93d44738968dcb2a810bc4dedef8f48a9"),
      crd("traefik.io_traefikservices", "3ef2d4c3badc9119a967be771176b0c604aacbe489ed770f9642c330dab943e5"));

  private static final Set<String> SETTINGS = Set.of(SETTING_TOPOLOGY, SETTING_NODES, SETTING_DOMAIN, SETTING_IMAGE);
  private static final Pattern DOMAIN = Pattern.compile("([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
  private static final Traefik DEFAULTS = new Traefik(null, List.of(), null, null, List.of());

  /** Null until chosen: then the cluster's own topology decides. */
  private final Topology topology;
  /** Empty: on the masters. Otherwise the hosts by name. */
  private final List<String> nodes;
  private final String domain;
  private final String image;
  private final List<Problem> settingProblems;

  private Traefik(Topology topology, List<String> nodes, String domain, String image, List<Problem> settingProblems) {
    this.topology = topology;
    this.nodes = List.copyOf(nodes);
    this.domain = domain;
    this.image = image;
    this.settingProblems = List.copyOf(settingProblems);
  }

  /** Traefik for the cluster's topology, chosen when the plan is made. */
  public static Traefik defaults() {
    return DEFAULTS;
  }

  /** Traefik on the single master, reached at the master's public IP. */
  public static Traefik singleMaster() {
    return new Traefik(Topology.SINGLE_MASTER, List.of(), null, null, List.of());
  }

  /** Traefik on every master behind the HAProxy pair, reached at the public VIP. */
  public static Traefik ha() {
    return new Traefik(Topology.HA, List.of(), null, null, List.of());
  }

  /** Traefik from its YAML form; settings it cannot read are reported by {@link #validate(ClusterSpec)}. */
  public static Traefik of(ComponentSpec spec) {
    Map<String, String> s = spec.settings();
    List<Problem> problems = new ArrayList<>();
    AddonSettings.rejectUnknown(NAME, s, SETTINGS, problems);
    Topology topology = null;
    String t = s.get(SETTING_TOPOLOGY);
    if (t != null) {
      try {
        topology = Topology.valueOf(t.toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(field(SETTING_TOPOLOGY), t, "is not a topology", "write ha or single-master"));
      }
    }
    List<String> nodes = s.get(SETTING_NODES) == null ? List.of() : Arrays.stream(s.get(SETTING_NODES).split(","))
        .map(String::trim).toList();
    return new Traefik(topology, nodes, s.get(SETTING_DOMAIN), s.get(SETTING_IMAGE), problems);
  }

  /**
   * Runs Traefik on these masters or workers instead of on every master (pods pinned by
   * {@code kubernetes.io/hostname}). The HAProxy pair sends 80/443 to the same hosts.
   *
   * @param hostNames host names of the inventory; checked against the spec by {@link #validate(ClusterSpec)}
   */
  public Traefik onNodes(String... hostNames) {
    if (hostNames == null || hostNames.length == 0 || Arrays.stream(hostNames).anyMatch(h -> h == null || h.isBlank())) {
      return withProblem(new Problem(field(SETTING_NODES), hostNames == null ? null : Arrays.toString(hostNames),
          "needs host names, none of them blank", "name masters or workers, e.g. onNodes(\"worker1\", \"worker2\")"));
    }
    return new Traefik(topology, List.of(hostNames), domain, image, settingProblems);
  }

  /**
   * The domain whose subdomains the ingress serves; the plan notes a wildcard A record for it. A
   * lower-case DNS name with at least two labels (checked by {@link #validate(ClusterSpec)}).
   */
  public Traefik domain(String domain) {
    if (domain == null) {
      return withProblem(Problem.missing(field(SETTING_DOMAIN), "write e.g. apps.example.com, or leave domain(...) out"));
    }
    return new Traefik(topology, nodes, domain, image, settingProblems);
  }

  /**
   * The Traefik image instead of {@value #DEFAULT_IMAGE}, e.g. from a private registry; a blank
   * image or one with whitespace is reported by {@link #validate(ClusterSpec)}.
   */
  public Traefik image(String image) {
    if (image == null) {
      return withProblem(Problem.missing(field(SETTING_IMAGE), "write e.g. " + DEFAULT_IMAGE + ", or leave image(...) out"));
    }
    return new Traefik(topology, nodes, domain, image, settingProblems);
  }

  private Traefik withProblem(Problem problem) {
    List<Problem> p = new ArrayList<>(settingProblems);
    p.add(problem);
    return new Traefik(topology, nodes, domain, image, p);
  }

  public String image() {
    return image == null ? DEFAULT_IMAGE : image;
  }

  /** The hosts set by {@link #onNodes(String...)}; empty when Traefik runs on the masters. */
  public List<String> nodes() {
    return nodes;
  }

  public Optional<String> domain() {
    return Optional.ofNullable(domain);
  }

  /** The topology Traefik is planned for: the one chosen, else the cluster's. */
  public Topology topologyFor(ClusterSpec spec) {
    return topology == null ? spec.topology() : topology;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ComponentKind kind() {
    return ComponentKind.ADDON;
  }

  @Override
  public List<Problem> validate(ClusterSpec spec) {
    List<Problem> p = new ArrayList<>(settingProblems);
    if (topology != null && topology != spec.topology()) {
      String chosen = topology == Topology.HA ? "Traefik.ha()" : "Traefik.singleMaster()";
      p.add(new Problem(field(SETTING_TOPOLOGY), topology.name(), chosen + " does not fit a " + spec.topology()
          + " cluster", "use Traefik.defaults(), which follows the cluster's topology"));
    }
    List<String> nodeNames = spec.nodes().stream().map(Host::name).toList();
    Set<String> seen = new java.util.HashSet<>();
    for (String n : nodes) {
      Optional<Host> host = spec.host(n);
      if (n.isEmpty()) {
        p.add(new Problem(field(SETTING_NODES), String.join(",", nodes), "has an empty host name",
            "list host names separated by commas, e.g. worker1,worker2"));
      } else if (host.isEmpty()) {
        p.add(new Problem(field(SETTING_NODES), n, "is not a host of the spec", "name masters or workers, e.g. " + nodeNames));
      } else if (!host.get().has(Role.MASTER) && !host.get().has(Role.WORKER)) {
        p.add(new Problem(field(SETTING_NODES), n, "is not a master or worker, so it cannot run Traefik",
            "name masters or workers, e.g. " + nodeNames));
      } else if (!seen.add(n)) {
        p.add(new Problem(field(SETTING_NODES), n, "is listed twice", "name each host once"));
      }
    }
    if (domain != null && !DOMAIN.matcher(domain).matches()) {
      p.add(new Problem(field(SETTING_DOMAIN), domain, "is not a DNS name", "write e.g. apps.example.com"));
    }
    if (image != null && (image.isBlank() || image.chars().anyMatch(Character::isWhitespace))) {
      p.add(new Problem(field(SETTING_IMAGE), image, "is not an image reference", "write e.g. " + DEFAULT_IMAGE));
    }
    return p;
  }

  @Override
  public void contribute(PlanContext context) {
    List<Manifest> crdManifests = new ArrayList<>();
    List<String> crdWaits = new ArrayList<>();
    for (UpstreamFile f : CRDS) {
      String yaml = context.mirror().fetch(f);
      crdManifests.add(Manifest.of(manifestName(f), yaml));
      crdNames(yaml).forEach(n -> crdWaits.add(Readiness.crd(n)));
    }
    context.add(Step.builder()
        .id(STEP_CRDS).phase(Phase.ADDONS).addAfterPhases(Phase.NODES)
        .description("Traefik custom resource definitions (traefik.io) of Helm chart " + CHART_VERSION)
        .manifests(crdManifests)
        .waitFor(crdWaits)
        .estimate(Duration.ofSeconds(20))
        .build());
    boolean onMasters = nodes.isEmpty();
    List<Object> objects = List.of(TraefikManifests.namespace(), TraefikManifests.serviceAccount(),
        TraefikManifests.clusterRole(), TraefikManifests.clusterRoleBinding(), TraefikManifests.ingressClass(),
        TraefikManifests.daemonSet(image(), nodes));
    context.add(Step.builder()
        .id(STEP_TRAEFIK).phase(Phase.ADDONS).addAfterPhases(Phase.NODES).addDependsOn(STEP_CRDS)
        .description("Traefik " + image() + " as a DaemonSet on host ports 80/443 on "
            + (onMasters ? "the masters" : String.join(", ", nodes)))
        .addManifests(Manifest.of(STEP_TRAEFIK, TraefikManifests.toYaml(objects)))
        .addWaitFor(Readiness.of(Readiness.Kind.DAEMONSET, TraefikManifests.NAMESPACE, TraefikManifests.NAME))
        .estimate(Duration.ofSeconds(90))
        .build());
    context.note(dnsNote(context.spec()));
  }

  /** The DNS record the ingress needs, or how to get one when no domain is set. */
  String dnsNote(ClusterSpec spec) {
    if (domain == null) {
      return "Traefik: no domain set, so no DNS record is planned; set one with Traefik.defaults().domain(\"apps.example.com\")"
          + " (YAML: components[traefik].settings.domain) and create a wildcard A record for it";
    }
    String record = "*." + domain + " A ";
    if (topologyFor(spec) == Topology.HA) {
      return spec.publicVip().map(vip -> "Traefik: create DNS record " + record + vip + " (the public VIP of the HAProxy pair)")
          .orElse("Traefik: create DNS record " + record + "<public VIP>; the spec has no public VIP, set one with publicVip(...)");
    }
    if (!nodes.isEmpty()) {
      return "Traefik: create DNS record " + record + "<public IP of each of " + String.join(", ", nodes)
          + "> (one A record per host)";
    }
    Host master = spec.masters().isEmpty() ? null : spec.masters().get(0);
    if (master == null) {
      return "Traefik: create DNS record " + record + "<public IP of the master>";
    }
    return master.publicIp().map(ip -> "Traefik: create DNS record " + record + ip + " (public IP of " + master.name() + ")")
        .orElse("Traefik: create DNS record " + record + "<public IP of " + master.name() + ">; the spec gives "
            + master.name() + " no public IP (private " + master.privateIp() + ")");
  }

  /** Only what was set, so the YAML spec stays short and defaults can move with the SDK. */
  @Override
  public ComponentSpec describe() {
    Map<String, String> s = new LinkedHashMap<>();
    if (topology != null) {
      s.put(SETTING_TOPOLOGY, topology == Topology.HA ? "ha" : "single-master");
    }
    if (!nodes.isEmpty()) {
      s.put(SETTING_NODES, String.join(",", nodes));
    }
    if (domain != null) {
      s.put(SETTING_DOMAIN, domain);
    }
    if (image != null) {
      s.put(SETTING_IMAGE, image);
    }
    return ComponentSpec.of(NAME, s);
  }

  /** The CRD names in one of the chart's CRD files. */
  static List<String> crdNames(String yaml) {
    List<String> names = TraefikManifests.documents(yaml).stream()
        .filter(d -> d instanceof Map<?, ?> m && "CustomResourceDefinition".equals(m.get("kind")))
        .map(d -> ((Map<?, ?>) d).get("metadata"))
        .map(m -> m instanceof Map<?, ?> meta ? meta.get("name") : null)
        .filter(String.class::isInstance).map(String.class::cast)
        .toList();
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a Traefik CRD file holds no CustomResourceDefinition");
    }
    return names;
  }

  private static String manifestName(UpstreamFile f) {
    String file = f.mirrorPath().substring(f.mirrorPath().lastIndexOf('/') + 1);
    return "traefik-crd-" + file.substring("traefik.io_".length(), file.length() - ".yaml".length());
  }

  private static UpstreamFile crd(String file, String sha256) {
    return new UpstreamFile("traefik", CHART_VERSION, "traefik/crds/" + file + ".yaml",
        "https://raw.githubusercontent.com/traefik/traefik-helm-chart/" + CHART_VERSION + "/traefik/crds/" + file + ".yaml",
        sha256);
  }

  private static String field(String setting) {
    return AddonSettings.field(NAME, setting);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Traefik t && topology == t.topology && nodes.equals(t.nodes)
        && Objects.equals(domain, t.domain) && Objects.equals(image, t.image) && settingProblems.equals(t.settingProblems);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topology, nodes, domain, image, settingProblems);
  }

  @Override
  public String toString() {
    return NAME + " " + image() + " " + describe().settings();
  }
}
