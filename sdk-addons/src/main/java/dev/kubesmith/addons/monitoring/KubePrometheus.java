package dev.kubesmith.addons.monitoring;

import dev.kubesmith.addons.ingress.BasicAuth;
import dev.kubesmith.addons.ingress.Traefik;
import dev.kubesmith.addons.ingress.TraefikManifests;
import dev.kubesmith.addons.storage.RookCeph;
import dev.kubesmith.addons.storage.RookCephManifests;
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
import dev.kubesmith.spec.Problem;
import dev.kubesmith.upstream.UpstreamFile;
import dev.kubesmith.upstream.UpstreamMirror;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Monitoring with kube-prometheus {@value #VERSION}: Prometheus Operator, HA Prometheus on rook-ceph
 * storage, HA Alertmanager, node-exporter, kube-state-metrics, prometheus-adapter, blackbox-exporter
 * and Grafana, as cluster steps in phase {@link Phase#ADDONS}:
 * <ol>
 *   <li>{@value #STEP_SETUP}: every file of upstream's {@code manifests/setup} (namespace
 *       {@code monitoring} and the CRDs), unchanged; waits until each CRD is established;</li>
 *   <li>{@value #STEP_MAIN}: every file of upstream's {@code manifests}, unchanged except the
 *       Prometheus {@code k8s} (replicas, retention, a PersistentVolumeClaim template of the given size
 *       on the given StorageClass) and the Alertmanager {@code main} (replicas); waits for the operator,
 *       Grafana, kube-state-metrics and node-exporter;</li>
 *   <li>{@value #STEP_INGRESS}, only with a {@link #domain(String) domain}: basic auth (Secret and
 *       Traefik Middleware) and Traefik IngressRoutes for {@code prometheus.<domain>},
 *       {@code alertmanager.<domain>} and {@code grafana.<domain>}. Upstream ships NetworkPolicies
 *       that admit traffic to these pods only from inside {@code monitoring}, which would block
 *       Traefik; this step therefore adds three NetworkPolicies ({@code prometheus-k8s-from-traefik},
 *       {@code alertmanager-main-from-traefik}, {@code grafana-from-traefik}) admitting TCP from the
 *       {@code traefik} namespace to ports 9090, 9093 and 3000. Upstream's policies stay unchanged.</li>
 * </ol>
 * It {@link #requires() requires} {@value RookCeph#NAME} (the Prometheus volumes) and
 * {@value Traefik#NAME} (the ingress).
 *
 * <p>Users for basic auth: {@link #users(Map)} with passwords, or by default a generated password for
 * {@value #DEFAULT_USER}, readable from {@link #basicAuth()}. The YAML form ({@link #describe()})
 * names users only, never passwords or hashes; a component made from it has fresh generated
 * passwords, and {@link #equals(Object)} compares user names, not passwords.
 *
 * <pre>{@code
 * KubePrometheus monitoring = KubePrometheus.defaults().retention("15d").storage("50Gi").domain("apps.example.com");
 * String password = monitoring.basicAuth().orElseThrow().generatedPasswords().get("admin");
 * }</pre>
 */
public final class KubePrometheus implements Component {
  public static final String NAME = "kube-prometheus";
  public static final String VERSION = "v0.18.0";
  public static final String STEP_SETUP = "kube-prometheus-setup";
  public static final String STEP_MAIN = "kube-prometheus";
  public static final String STEP_INGRESS = "kube-prometheus-ingress";

  public static final int DEFAULT_PROMETHEUS_REPLICAS = 2;
  public static final String DEFAULT_RETENTION = "30d";
  public static final String DEFAULT_STORAGE = "10Gi";
  public static final String DEFAULT_STORAGE_CLASS = RookCephManifests.STORAGE_CLASS_NAME;
  public static final int DEFAULT_ALERTMANAGER_REPLICAS = 3;
  public static final String DEFAULT_USER = "admin";

  public static final String SETTING_PROMETHEUS_REPLICAS = "prometheusReplicas";
  public static final String SETTING_RETENTION = "retention";
  public static final String SETTING_STORAGE = "storage";
  public static final String SETTING_STORAGE_CLASS = "storageClass";
  public static final String SETTING_ALERTMANAGER_REPLICAS = "alertmanagerReplicas";
  public static final String SETTING_DOMAIN = "domain";
  /** Comma-separated user names; passwords are never part of the YAML form. */
  public static final String SETTING_USERS = "users";

  /** The web UIs behind the ingress: host prefix, Service, port and the pods' name label. */
  public record WebUi(String hostPrefix, String service, int port, String podName) {}

  public static final List<WebUi> WEB_UIS = List.of(
      new WebUi("prometheus", "prometheus-k8s", 9090, "prometheus"),
      new WebUi("alertmanager", "alertmanager-main", 9093, "alertmanager"),
      new WebUi("grafana", "grafana", 3000, "grafana"));

  /** Prometheus' duration format, as the Prometheus CRD's {@code retention} pattern has it, without "0". */
  private static final Pattern RETENTION =
      Pattern.compile("(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?");
  /** A positive Kubernetes quantity. */
  private static final Pattern QUANTITY = Pattern.compile("(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[kMGTPE])?");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DOMAIN = Pattern.compile("([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
  private static final Set<String> SETTINGS = Set.of(SETTING_PROMETHEUS_REPLICAS, SETTING_RETENTION, SETTING_STORAGE,
      SETTING_STORAGE_CLASS, SETTING_ALERTMANAGER_REPLICAS, SETTING_DOMAIN, SETTING_USERS);
  private static final KubePrometheus DEFAULTS = new KubePrometheus(null, null, null, null, null, null, null, List.of());

  private final Integer prometheusReplicas;
  private final String retention;
  private final String storage;
  private final String storageClass;
  private final Integer alertmanagerReplicas;
  private final String domain;
  /** Null until users are given or a domain is set (then {@value #DEFAULT_USER} with a generated password). */
  private final BasicAuth auth;
  private final List<Problem> settingProblems;

  private KubePrometheus(Integer prometheusReplicas, String retention, String storage, String storageClass,
      Integer alertmanagerReplicas, String domain, BasicAuth auth, List<Problem> settingProblems) {
    this.prometheusReplicas = prometheusReplicas;
    this.retention = retention;
    this.storage = storage;
    this.storageClass = storageClass;
    this.alertmanagerReplicas = alertmanagerReplicas;
    this.domain = domain;
    this.auth = auth;
    this.settingProblems = List.copyOf(settingProblems);
  }

  /** Two Prometheus replicas keeping 30d on 10Gi of rook-ceph-block each, three Alertmanagers, no ingress. */
  public static KubePrometheus defaults() {
    return DEFAULTS;
  }

  /** KubePrometheus from its YAML form; settings it cannot read are reported by {@link #validate(ClusterSpec)}. */
  public static KubePrometheus of(ComponentSpec spec) {
    Map<String, String> s = spec.settings();
    List<Problem> problems = new ArrayList<>();
    AddonSettings.rejectUnknown(NAME, s, SETTINGS, problems);
    Integer prometheusReplicas = integer(s, SETTING_PROMETHEUS_REPLICAS, problems);
    Integer alertmanagerReplicas = integer(s, SETTING_ALERTMANAGER_REPLICAS, problems);
    BasicAuth auth = null;
    String users = s.get(SETTING_USERS);
    if (users != null) {
      try {
        auth = BasicAuth.generated(Arrays.stream(users.split(",")).map(String::trim).toArray(String[]::new));
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(field(SETTING_USERS), users, "is not a list of user names: " + e.getMessage(),
            "write comma-separated names, e.g. admin,ops"));
      }
    } else if (s.get(SETTING_DOMAIN) != null) {
      auth = BasicAuth.generated(DEFAULT_USER);
    }
    return new KubePrometheus(prometheusReplicas, s.get(SETTING_RETENTION), s.get(SETTING_STORAGE), s.get(SETTING_STORAGE_CLASS),
        alertmanagerReplicas, s.get(SETTING_DOMAIN), auth, problems);
  }

  /** At least 1 (checked by {@link #validate(ClusterSpec)}, with every other problem). */
  public KubePrometheus prometheusReplicas(int replicas) {
    return new KubePrometheus(replicas, retention, storage, storageClass, alertmanagerReplicas, domain, auth, settingProblems);
  }

  /**
   * How long Prometheus keeps samples, in Prometheus' duration format, e.g. {@code 30d} or {@code 1w2d}.
   */
  public KubePrometheus retention(String retention) {
    if (retention == null) {
      return withProblem(Problem.missing(field(SETTING_RETENTION), "give a value, or leave the setting out for the default"));
    }
    return new KubePrometheus(prometheusReplicas, retention, storage, storageClass, alertmanagerReplicas, domain, auth, settingProblems);
  }

  /**
   * The size of each Prometheus replica's volume, a Kubernetes quantity such as {@code 10Gi}.
   */
  public KubePrometheus storage(String size) {
    if (size == null) {
      return withProblem(Problem.missing(field(SETTING_STORAGE), "give a value, or leave the setting out for the default"));
    }
    return new KubePrometheus(prometheusReplicas, retention, size, storageClass, alertmanagerReplicas, domain, auth, settingProblems);
  }

  /** A Kubernetes object name (checked by {@link #validate(ClusterSpec)}). */
  public KubePrometheus storageClass(String name) {
    if (name == null) {
      return withProblem(Problem.missing(field(SETTING_STORAGE_CLASS), "give a value, or leave the setting out for the default"));
    }
    return new KubePrometheus(prometheusReplicas, retention, storage, name, alertmanagerReplicas, domain, auth, settingProblems);
  }

  /** At least 1 (checked by {@link #validate(ClusterSpec)}, with every other problem). */
  public KubePrometheus alertmanagerReplicas(int replicas) {
    return new KubePrometheus(prometheusReplicas, retention, storage, storageClass, replicas, domain, auth, settingProblems);
  }

  /**
   * Exposes the UIs at {@code prometheus.<domain>}, {@code alertmanager.<domain>} and
   * {@code grafana.<domain>} behind basic auth; without users given, {@value #DEFAULT_USER} gets a
   * generated password.
   */
  public KubePrometheus domain(String domain) {
    if (domain == null) {
      return withProblem(Problem.missing(field(SETTING_DOMAIN), "give a value, or leave the setting out for the default"));
    }
    BasicAuth a = auth == null ? BasicAuth.generated(DEFAULT_USER) : auth;
    return new KubePrometheus(prometheusReplicas, retention, storage, storageClass, alertmanagerReplicas, domain, a, settingProblems);
  }

  /**
   * Basic-auth users with these passwords (hashed now; only hashes reach the manifests).
   */
  public KubePrometheus users(Map<String, String> userToPassword) {
    try {
      return new KubePrometheus(prometheusReplicas, retention, storage, storageClass, alertmanagerReplicas, domain,
          BasicAuth.users(userToPassword), settingProblems);
    } catch (IllegalArgumentException e) { // reported with every other problem by build()
      return withProblem(new Problem(field(SETTING_USERS), userToPassword == null ? null : String.join(",", userToPassword.keySet()), e.getMessage(),
          "give user names of letters, digits, '.', '_' or '-' and non-empty passwords"));
    }
  }

  /** Basic-auth users, e.g. {@code BasicAuth.generated("admin", "ops")}. */
  public KubePrometheus users(BasicAuth basicAuth) {
    return new KubePrometheus(prometheusReplicas, retention, storage, storageClass, alertmanagerReplicas, domain,
        Objects.requireNonNull(basicAuth, "basicAuth"), settingProblems);
  }

  /** The same settings with one more problem, reported by {@link #validate(ClusterSpec)}. */
  private KubePrometheus withProblem(Problem problem) {
    List<Problem> p = new ArrayList<>(settingProblems);
    p.add(problem);
    return new KubePrometheus(prometheusReplicas, retention, storage, storageClass, alertmanagerReplicas, domain, auth, p);
  }

  public int prometheusReplicas() {
    return prometheusReplicas == null ? DEFAULT_PROMETHEUS_REPLICAS : prometheusReplicas;
  }

  public String retention() {
    return retention == null ? DEFAULT_RETENTION : retention;
  }

  public String storage() {
    return storage == null ? DEFAULT_STORAGE : storage;
  }

  public String storageClass() {
    return storageClass == null ? DEFAULT_STORAGE_CLASS : storageClass;
  }

  public int alertmanagerReplicas() {
    return alertmanagerReplicas == null ? DEFAULT_ALERTMANAGER_REPLICAS : alertmanagerReplicas;
  }

  public Optional<String> domain() {
    return Optional.ofNullable(domain);
  }

  /** The basic-auth users; generated passwords are in {@link BasicAuth#generatedPasswords()}. */
  public Optional<BasicAuth> basicAuth() {
    return Optional.ofNullable(auth);
  }

  /** The hosts of the UIs with a domain set, in the order of {@link #WEB_UIS}. */
  public List<String> hosts() {
    return domain == null ? List.of() : WEB_UIS.stream().map(u -> u.hostPrefix() + "." + domain).toList();
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
  public Set<String> requires() {
    return Set.of(RookCeph.NAME, Traefik.NAME);
  }

  @Override
  public List<Problem> validate(ClusterSpec spec) {
    List<Problem> p = new ArrayList<>(settingProblems);
    if (prometheusReplicas != null) {
      add(p, replicasProblem(prometheusReplicas), SETTING_PROMETHEUS_REPLICAS, prometheusReplicas.toString(), "write 1 or more, e.g. 2");
    }
    if (alertmanagerReplicas != null) {
      add(p, replicasProblem(alertmanagerReplicas), SETTING_ALERTMANAGER_REPLICAS, alertmanagerReplicas.toString(),
          "write 1 or more, e.g. 3");
    }
    if (retention != null) {
      add(p, retentionProblem(retention), SETTING_RETENTION, retention, "write a Prometheus duration such as 30d, 12h or 1w2d");
    }
    if (storage != null) {
      add(p, quantityProblem(storage), SETTING_STORAGE, storage, "write a quantity such as 10Gi or 500Mi");
    }
    if (storageClass != null) {
      add(p, storageClassProblem(storageClass), SETTING_STORAGE_CLASS, storageClass, "write e.g. " + DEFAULT_STORAGE_CLASS);
    }
    if (domain != null) {
      add(p, domainProblem(domain), SETTING_DOMAIN, domain, "write e.g. apps.example.com");
    }
    return p;
  }

  @Override
  public void contribute(PlanContext context) {
    UpstreamMirror mirror = context.mirror();
    List<Manifest> setup = new ArrayList<>();
    List<String> crdWaits = new ArrayList<>();
    for (UpstreamFile f : KubePrometheusFiles.SETUP) {
      String yaml = mirror.fetch(f);
      setup.add(Manifest.of(manifestName(f), yaml));
      KubePrometheusManifests.crdNames(yaml).forEach(n -> crdWaits.add(Readiness.crd(n)));
    }
    context.add(Step.builder()
        .id(STEP_SETUP).phase(Phase.ADDONS).addAfterPhases(Phase.NODES)
        .description("kube-prometheus " + VERSION + " namespace " + KubePrometheusManifests.NAMESPACE
            + " and monitoring.coreos.com custom resource definitions")
        .manifests(setup)
        .waitFor(crdWaits)
        .estimate(Duration.ofSeconds(30))
        .build());

    List<Manifest> main = new ArrayList<>();
    for (UpstreamFile f : KubePrometheusFiles.MANIFESTS) {
      String yaml = mirror.fetch(f);
      String file = KubePrometheusFiles.fileName(f);
      if (file.equals(KubePrometheusManifests.PROMETHEUS_FILE)) {
        yaml = KubePrometheusManifests.toYaml(List.of(KubePrometheusManifests.patchPrometheus(
            KubePrometheusManifests.single(yaml), prometheusReplicas(), retention(), storage(), storageClass())));
      } else if (file.equals(KubePrometheusManifests.ALERTMANAGER_FILE)) {
        yaml = KubePrometheusManifests.toYaml(List.of(KubePrometheusManifests.patchAlertmanager(
            KubePrometheusManifests.single(yaml), alertmanagerReplicas())));
      }
      main.add(Manifest.of(manifestName(f), yaml));
    }
    String ns = KubePrometheusManifests.NAMESPACE;
    context.add(Step.builder()
        .id(STEP_MAIN).phase(Phase.ADDONS).addAfterPhases(Phase.NODES, Phase.STORAGE).addDependsOn(STEP_SETUP)
        .description("kube-prometheus " + VERSION + ": " + prometheusReplicas() + " Prometheus replica(s) keeping " + retention()
            + " on " + storage() + " of " + storageClass() + " each, " + alertmanagerReplicas()
            + " Alertmanager(s), Grafana, node-exporter, kube-state-metrics")
        .manifests(main)
        .addWaitFor(Readiness.of(Readiness.Kind.DEPLOYMENT, ns, "prometheus-operator"))
        .addWaitFor(Readiness.of(Readiness.Kind.DEPLOYMENT, ns, "grafana"))
        .addWaitFor(Readiness.of(Readiness.Kind.DEPLOYMENT, ns, "kube-state-metrics"))
        .addWaitFor(Readiness.of(Readiness.Kind.DAEMONSET, ns, "node-exporter"))
        .estimate(Duration.ofMinutes(3))
        .build());

    if (domain != null) {
      List<Object> objects = new ArrayList<>();
      for (WebUi ui : WEB_UIS) {
        objects.add(BasicAuth.route(ns, ui.hostPrefix() + "." + domain, ui.service(), ui.port()));
      }
      for (WebUi ui : WEB_UIS) {
        objects.add(KubePrometheusManifests.allowFromNamespace(ui.service(), ui.podName(), ui.port(), TraefikManifests.NAMESPACE));
      }
      var ingress = Step.builder()
          .id(STEP_INGRESS).phase(Phase.ADDONS).addAfterPhases(Phase.NODES).addDependsOn(STEP_MAIN)
          .description("basic auth, Traefik IngressRoutes and NetworkPolicies for " + String.join(", ", hosts()))
          .addManifests(auth.manifest(ns))
          .addManifests(Manifest.of(STEP_INGRESS, KubePrometheusManifests.toYaml(objects)))
          .estimate(Duration.ofSeconds(10));
      if (context.steps().stream().anyMatch(s -> s.id().equals(Traefik.STEP_CRDS))) {
        ingress.addDependsOn(Traefik.STEP_CRDS);
      }
      context.add(ingress.build());
      context.note("kube-prometheus: UIs at https://" + String.join(", https://", hosts()) + " with basic auth for users "
          + auth.users() + (auth.generatedPasswords().isEmpty() ? ""
              : "; their generated passwords are in KubePrometheus.basicAuth().generatedPasswords() and nowhere else,"
              + " and take effect on the first install only: a re-run keeps the Secret the cluster has"));
    }
  }

  /** Only what was set, and user names without passwords. */
  @Override
  public ComponentSpec describe() {
    Map<String, String> s = new LinkedHashMap<>();
    if (prometheusReplicas != null) {
      s.put(SETTING_PROMETHEUS_REPLICAS, prometheusReplicas.toString());
    }
    if (retention != null) {
      s.put(SETTING_RETENTION, retention);
    }
    if (storage != null) {
      s.put(SETTING_STORAGE, storage);
    }
    if (storageClass != null) {
      s.put(SETTING_STORAGE_CLASS, storageClass);
    }
    if (alertmanagerReplicas != null) {
      s.put(SETTING_ALERTMANAGER_REPLICAS, alertmanagerReplicas.toString());
    }
    if (domain != null) {
      s.put(SETTING_DOMAIN, domain);
    }
    if (auth != null) {
      s.put(SETTING_USERS, String.join(",", auth.users()));
    }
    return ComponentSpec.of(NAME, s);
  }

  /** {@code kube-prometheus-} and the upstream file name in lower case, without {@code .yaml}. */
  static String manifestName(UpstreamFile f) {
    String file = KubePrometheusFiles.fileName(f);
    return "kube-prometheus-" + file.substring(0, file.length() - ".yaml".length()).toLowerCase(java.util.Locale.ROOT);
  }

  private static Integer integer(Map<String, String> s, String key, List<Problem> problems) {
    String v = s.get(key);
    if (v == null) {
      return null;
    }
    try {
      return Integer.valueOf(v.trim());
    } catch (NumberFormatException e) {
      problems.add(new Problem(field(key), v, "is not a whole number", "write 1 or more"));
      return null;
    }
  }

  private static void add(List<Problem> p, String problem, String setting, String value, String fix) {
    if (problem != null) {
      p.add(new Problem(field(setting), value, problem, fix));
    }
  }

  private static String replicasProblem(int replicas) {
    return replicas >= 1 ? null : "is less than 1";
  }

  private static String retentionProblem(String r) {
    return r != null && !r.isEmpty() && RETENTION.matcher(r).matches() ? null
        : "is not a Prometheus duration such as 30d, 12h or 1w2d";
  }

  private static String quantityProblem(String q) {
    return q != null && QUANTITY.matcher(q).matches() && q.chars().anyMatch(c -> c >= '1' && c <= '9') ? null
        : "is not a positive Kubernetes quantity such as 10Gi";
  }

  private static String storageClassProblem(String name) {
    return name != null && name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches() ? null
        : "is not a StorageClass name";
  }

  private static String domainProblem(String d) {
    return d != null && DOMAIN.matcher(d).matches() ? null : "is not a DNS name";
  }

  private static String field(String setting) {
    return AddonSettings.field(NAME, setting);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KubePrometheus k && Objects.equals(prometheusReplicas, k.prometheusReplicas)
        && Objects.equals(retention, k.retention) && Objects.equals(storage, k.storage)
        && Objects.equals(storageClass, k.storageClass) && Objects.equals(alertmanagerReplicas, k.alertmanagerReplicas)
        && Objects.equals(domain, k.domain) && Objects.equals(userNames(auth), userNames(k.auth))
        && settingProblems.equals(k.settingProblems);
  }

  @Override
  public int hashCode() {
    return Objects.hash(prometheusReplicas, retention, storage, storageClass, alertmanagerReplicas, domain, userNames(auth), settingProblems);
  }

  private static List<String> userNames(BasicAuth a) {
    return a == null ? null : a.users();
  }

  /** Settings and user names, never passwords. */
  @Override
  public String toString() {
    return NAME + " " + VERSION + " " + describe().settings();
  }
}
