package dev.kubesmith.addons.logging;

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
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Logging, EFK style: an Elasticsearch StatefulSet on rook-ceph volumes, Kibana, a fluent-bit
 * DaemonSet shipping every container's log, and a daily CronJob {@value LoggingManifests#CLEANUP}
 * deleting indices older than the retention through the Elasticsearch API (the seed's curator job).
 * Cluster steps in phase {@link Phase#ADDONS}:
 * <ol>
 *   <li>{@value #STEP_MAIN}: all objects; after {@value RookCeph#STEP_CLUSTER} and {@value Traefik#STEP_TRAEFIK}
 *       when those are planned; waits for the StatefulSet, Kibana and the DaemonSet;</li>
 *   <li>{@value #STEP_INGRESS}, only with a {@link #domain(String) domain}: basic auth and a Traefik
 *       IngressRoute for Kibana at {@code kibana.<domain>}.</li>
 * </ol>
 * Each Elasticsearch pod requests and is limited to {@value LoggingManifests#ES_MEMORY} (heap half of
 * it). {@link #validate(ClusterSpec)} reports a worker declaring less memory than that; the plan
 * carries a note for workers declaring less than {@value #RECOMMENDED_WORKER_MIB} MiB.
 *
 * <pre>{@code
 * Logging logging = Logging.efk().retentionDays(30).storage("100Gi").domain("apps.example.com");
 * }</pre>
 */
public final class Logging implements Component {
  public static final String NAME = "logging";
  public static final String STEP_MAIN = "logging";
  public static final String STEP_INGRESS = "logging-ingress";

  public static final int DEFAULT_ELASTICSEARCH_REPLICAS = 2;
  public static final String DEFAULT_STORAGE = "40Gi";
  public static final String DEFAULT_STORAGE_CLASS = RookCephManifests.STORAGE_CLASS_NAME;
  public static final int DEFAULT_RETENTION_DAYS = 90;
  public static final String DEFAULT_ES_IMAGE = "docker.elastic.co/elasticsearch/elasticsearch:8.15.3";
  public static final String DEFAULT_KIBANA_IMAGE = "docker.elastic.co/kibana/kibana:8.15.3";
  public static final String DEFAULT_FLUENT_BIT_IMAGE = "cr.fluentbit.io/fluent/fluent-bit:3.1.9";
  public static final String DEFAULT_CURATOR_IMAGE = "curlimages/curl:8.10.1";
  public static final String DEFAULT_USER = "admin";
  /** Worker memory below which the plan carries a note: the seed found 4G too little and doubled it. */
  public static final int RECOMMENDED_WORKER_MIB = 8192;

  public static final String SETTING_ELASTICSEARCH_REPLICAS = "elasticsearchReplicas";
  public static final String SETTING_STORAGE = "storage";
  public static final String SETTING_STORAGE_CLASS = "storageClass";
  public static final String SETTING_RETENTION_DAYS = "retentionDays";
  public static final String SETTING_DOMAIN = "domain";
  public static final String SETTING_ES_IMAGE = "esImage";
  public static final String SETTING_KIBANA_IMAGE = "kibanaImage";
  public static final String SETTING_FLUENT_BIT_IMAGE = "fluentBitImage";
  public static final String SETTING_CURATOR_IMAGE = "curatorImage";
  /** Comma-separated user names for the Kibana ingress; passwords are never part of the YAML form. */
  public static final String SETTING_USERS = "users";

  private static final Set<String> SETTINGS = Set.of(SETTING_ELASTICSEARCH_REPLICAS, SETTING_STORAGE, SETTING_STORAGE_CLASS,
      SETTING_RETENTION_DAYS, SETTING_DOMAIN, SETTING_ES_IMAGE, SETTING_KIBANA_IMAGE, SETTING_FLUENT_BIT_IMAGE,
      SETTING_CURATOR_IMAGE, SETTING_USERS);
  private static final Set<String> INTEGERS = Set.of(SETTING_ELASTICSEARCH_REPLICAS, SETTING_RETENTION_DAYS);
  private static final Pattern QUANTITY = Pattern.compile("(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[kMGTPE])?");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DOMAIN = Pattern.compile("([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
  private static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._/:@-]*[a-z0-9]");
  private static final Logging EFK = new Logging(Map.of(), null, List.of());

  /** Only the settings given, as written in the YAML form, in setting-name order. */
  private final Map<String, String> settings;
  /** Null until users are given or a domain is set. */
  private final BasicAuth auth;
  private final List<Problem> settingProblems;

  private Logging(Map<String, String> settings, BasicAuth auth, List<Problem> settingProblems) {
    this.settings = Map.copyOf(settings);
    this.auth = auth;
    this.settingProblems = List.copyOf(settingProblems);
  }

  /** Two Elasticsearch replicas on 40Gi of rook-ceph-block each, 90 days of logs, Kibana, fluent-bit, no ingress. */
  public static Logging efk() {
    return EFK;
  }

  /** Logging from its YAML form; settings it cannot read are reported by {@link #validate(ClusterSpec)}. */
  public static Logging of(ComponentSpec spec) {
    Map<String, String> s = new TreeMap<>(spec.settings());
    List<Problem> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : s.entrySet()) {
      if (!SETTINGS.contains(e.getKey())) {
        problems.add(new Problem(field(e.getKey()), e.getValue(), "is not a setting of logging", "use one of " + new TreeSet<>(SETTINGS)));
      } else if (INTEGERS.contains(e.getKey()) && !e.getValue().trim().matches("-?[0-9]{1,9}")) {
        problems.add(new Problem(field(e.getKey()), e.getValue(), "is not a whole number", "write a whole number, e.g. 2"));
      }
    }
    s.keySet().retainAll(SETTINGS);
    s.replaceAll((k, v) -> INTEGERS.contains(k) ? v.trim() : v);
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
    return new Logging(s, auth, problems);
  }

  /** Stores the value; {@link #validate(ClusterSpec)} reports a bad one with every other problem of the build. */
  private Logging with(String setting, String value, BasicAuth a) {
    if (value == null) {
      List<Problem> p = new ArrayList<>(settingProblems);
      p.add(Problem.missing(field(setting), "give a value, or leave " + setting + "(...) out for the default"));
      return new Logging(settings, auth, p);
    }
    Map<String, String> s = new TreeMap<>(settings);
    s.put(setting, value);
    return new Logging(s, a, settingProblems);
  }

  /** At least 1; 3 or more tolerate the loss of a node. Bad values are reported by {@link #validate(ClusterSpec)}. */
  public Logging elasticsearchReplicas(int replicas) {
    return with(SETTING_ELASTICSEARCH_REPLICAS, String.valueOf(replicas), auth);
  }

  /** The volume of each Elasticsearch replica, e.g. {@code 40Gi}. Checked by {@link #validate(ClusterSpec)}. */
  public Logging storage(String size) {
    return with(SETTING_STORAGE, size, auth);
  }

  /** A StorageClass name (checked by {@link #validate(ClusterSpec)}). */
  public Logging storageClass(String name) {
    return with(SETTING_STORAGE_CLASS, name, auth);
  }

  /** Days of logs kept; older daily indices are deleted by the cleanup job. At least 1 (checked by {@link #validate(ClusterSpec)}). */
  public Logging retentionDays(int days) {
    return with(SETTING_RETENTION_DAYS, String.valueOf(days), auth);
  }

  /**
   * Exposes Kibana at {@code kibana.<domain>} behind basic auth; without users given,
   * {@value #DEFAULT_USER} gets a generated password. A lower-case DNS name with at least two labels
   * (checked by {@link #validate(ClusterSpec)}).
   */
  public Logging domain(String domain) {
    return with(SETTING_DOMAIN, domain, auth == null ? BasicAuth.generated(DEFAULT_USER) : auth);
  }

  /** Basic-auth users for Kibana, e.g. {@code BasicAuth.generated("admin", "ops")}. */
  public Logging users(BasicAuth basicAuth) {
    Objects.requireNonNull(basicAuth, "basicAuth");
    return with(SETTING_USERS, String.join(",", basicAuth.users()), basicAuth);
  }

  public Logging esImage(String image) {
    return image(SETTING_ES_IMAGE, image);
  }

  public Logging kibanaImage(String image) {
    return image(SETTING_KIBANA_IMAGE, image);
  }

  public Logging fluentBitImage(String image) {
    return image(SETTING_FLUENT_BIT_IMAGE, image);
  }

  /** The image of the cleanup job; it needs {@code sh}, {@code date} and {@code curl}. */
  public Logging curatorImage(String image) {
    return image(SETTING_CURATOR_IMAGE, image);
  }

  private Logging image(String setting, String image) {
    return with(setting, image, auth);
  }

  public int elasticsearchReplicas() {
    return integer(SETTING_ELASTICSEARCH_REPLICAS, DEFAULT_ELASTICSEARCH_REPLICAS);
  }

  public String storage() {
    return settings.getOrDefault(SETTING_STORAGE, DEFAULT_STORAGE);
  }

  public String storageClass() {
    return settings.getOrDefault(SETTING_STORAGE_CLASS, DEFAULT_STORAGE_CLASS);
  }

  public int retentionDays() {
    return integer(SETTING_RETENTION_DAYS, DEFAULT_RETENTION_DAYS);
  }

  public Optional<String> domain() {
    return Optional.ofNullable(settings.get(SETTING_DOMAIN));
  }

  /** {@code kibana.<domain>} with a domain set. */
  public Optional<String> kibanaHost() {
    return domain().map(d -> LoggingManifests.KIBANA + "." + d);
  }

  public Optional<BasicAuth> basicAuth() {
    return Optional.ofNullable(auth);
  }

  public String esImage() {
    return settings.getOrDefault(SETTING_ES_IMAGE, DEFAULT_ES_IMAGE);
  }

  public String kibanaImage() {
    return settings.getOrDefault(SETTING_KIBANA_IMAGE, DEFAULT_KIBANA_IMAGE);
  }

  public String fluentBitImage() {
    return settings.getOrDefault(SETTING_FLUENT_BIT_IMAGE, DEFAULT_FLUENT_BIT_IMAGE);
  }

  public String curatorImage() {
    return settings.getOrDefault(SETTING_CURATOR_IMAGE, DEFAULT_CURATOR_IMAGE);
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
    if (parses(SETTING_ELASTICSEARCH_REPLICAS) && elasticsearchReplicas() < 1) {
      p.add(new Problem(field(SETTING_ELASTICSEARCH_REPLICAS), settings.get(SETTING_ELASTICSEARCH_REPLICAS), "is less than 1",
          "write 1 or more; 3 or more survive the loss of a node"));
    }
    if (parses(SETTING_RETENTION_DAYS) && retentionDays() < 1) {
      p.add(new Problem(field(SETTING_RETENTION_DAYS), settings.get(SETTING_RETENTION_DAYS), "is less than 1",
          "write the days of logs to keep, e.g. 90"));
    }
    add(p, settings.containsKey(SETTING_STORAGE) ? quantityProblem(storage()) : null, SETTING_STORAGE, storage(),
        "write a quantity such as 40Gi or 500Gi");
    add(p, settings.containsKey(SETTING_STORAGE_CLASS) ? storageClassProblem(storageClass()) : null, SETTING_STORAGE_CLASS,
        storageClass(), "write e.g. " + DEFAULT_STORAGE_CLASS);
    domain().ifPresent(d -> add(p, domainProblem(d), SETTING_DOMAIN, d, "write e.g. apps.example.com"));
    for (String image : List.of(SETTING_ES_IMAGE, SETTING_KIBANA_IMAGE, SETTING_FLUENT_BIT_IMAGE, SETTING_CURATOR_IMAGE)) {
      if (settings.containsKey(image)) {
        add(p, imageProblem(settings.get(image)), image, settings.get(image), "write an image reference such as " + DEFAULT_ES_IMAGE);
      }
    }
    for (Host w : spec.workers()) {
      if (w.memoryMib().isPresent() && w.memoryMib().getAsInt() < LoggingManifests.ES_MEMORY_MIB) {
        p.add(new Problem("hosts[" + w.name() + "].memoryMib", String.valueOf(w.memoryMib().getAsInt()),
            "is less than the " + LoggingManifests.ES_MEMORY_MIB + " MiB (" + LoggingManifests.ES_MEMORY
                + ") each Elasticsearch pod requests, so Elasticsearch cannot be scheduled there",
            "give the worker at least " + RECOMMENDED_WORKER_MIB + " MiB (memory=8G): the seed found 4G not enough and doubled it"));
      }
    }
    return p;
  }

  /** Workers declaring enough memory for one Elasticsearch pod but less than {@value #RECOMMENDED_WORKER_MIB} MiB. */
  List<Host> tightWorkers(ClusterSpec spec) {
    return spec.workers().stream().filter(w -> w.memoryMib().isPresent()
        && w.memoryMib().getAsInt() >= LoggingManifests.ES_MEMORY_MIB && w.memoryMib().getAsInt() < RECOMMENDED_WORKER_MIB).toList();
  }

  @Override
  public void contribute(PlanContext context) {
    String ns = LoggingManifests.NAMESPACE;
    List<Object> objects = List.of(
        LoggingManifests.namespace(),
        LoggingManifests.elasticsearchService(),
        LoggingManifests.elasticsearch(elasticsearchReplicas(), storage(), storageClass(), esImage()),
        LoggingManifests.kibana(kibanaImage()),
        LoggingManifests.kibanaService(),
        LoggingManifests.fluentBitServiceAccount(),
        LoggingManifests.fluentBitClusterRole(),
        LoggingManifests.fluentBitClusterRoleBinding(),
        LoggingManifests.fluentBitConfig(),
        LoggingManifests.fluentBit(fluentBitImage()),
        LoggingManifests.cleanup(retentionDays(), curatorImage()));
    var main = Step.builder()
        .id(STEP_MAIN).phase(Phase.ADDONS).addAfterPhases(Phase.NODES, Phase.STORAGE)
        .description("logging: " + elasticsearchReplicas() + " Elasticsearch replica(s) on " + storage() + " of " + storageClass()
            + " each, Kibana, fluent-bit on every node, indices kept " + retentionDays() + " days")
        .addManifests(Manifest.of(STEP_MAIN, TraefikManifests.toYaml(objects)))
        .addWaitFor(Readiness.of(Readiness.Kind.STATEFULSET, ns, LoggingManifests.ELASTICSEARCH))
        .addWaitFor(Readiness.of(Readiness.Kind.DEPLOYMENT, ns, LoggingManifests.KIBANA))
        .addWaitFor(Readiness.of(Readiness.Kind.DAEMONSET, ns, LoggingManifests.FLUENT_BIT))
        .estimate(Duration.ofMinutes(4));
    for (String dep : List.of(RookCeph.STEP_CLUSTER, Traefik.STEP_TRAEFIK)) {
      if (planned(context, dep)) {
        main.addDependsOn(dep);
      }
    }
    context.add(main.build());

    kibanaHost().ifPresent(host -> {
      var ingress = Step.builder()
          .id(STEP_INGRESS).phase(Phase.ADDONS).addAfterPhases(Phase.NODES).addDependsOn(STEP_MAIN)
          .description("basic auth and a Traefik IngressRoute for Kibana at " + host)
          .addManifests(auth.manifest(ns))
          .addManifests(Manifest.of(STEP_INGRESS, TraefikManifests.toYaml(
              List.of(BasicAuth.route(ns, host, LoggingManifests.KIBANA, LoggingManifests.KIBANA_PORT)))))
          .estimate(Duration.ofSeconds(10));
      if (planned(context, Traefik.STEP_CRDS)) {
        ingress.addDependsOn(Traefik.STEP_CRDS);
      }
      context.add(ingress.build());
      context.note("logging: Kibana at https://" + host + " with basic auth for users " + auth.users()
          + (auth.generatedPasswords().isEmpty() ? ""
              : "; their generated passwords are in Logging.basicAuth().generatedPasswords() and nowhere else,"
              + " and take effect on the first install only: a re-run keeps the Secret the cluster has"));
    });
    List<Host> tight = tightWorkers(context.spec());
    if (!tight.isEmpty()) {
      context.note("logging: worker(s) " + tight.stream().map(h -> h.name() + " (" + h.memoryMib().getAsInt() + " MiB)").toList()
          + " declare less than " + RECOMMENDED_WORKER_MIB + " MiB; each Elasticsearch pod takes " + LoggingManifests.ES_MEMORY
          + ", leaving little for other pods (the seed found 4G not enough and doubled it)");
    }
  }

  private static boolean planned(PlanContext context, String id) {
    return context.steps().stream().anyMatch(s -> s.id().equals(id));
  }

  /** Only what was set, and user names without passwords. */
  @Override
  public ComponentSpec describe() {
    Map<String, String> s = new LinkedHashMap<>(new TreeMap<>(settings));
    if (auth != null) {
      s.put(SETTING_USERS, String.join(",", auth.users()));
    }
    return ComponentSpec.of(NAME, s);
  }

  private boolean parses(String setting) {
    return settings.containsKey(setting) && settings.get(setting).matches("-?[0-9]{1,9}");
  }

  private int integer(String setting, int dflt) {
    return parses(setting) ? Integer.parseInt(settings.get(setting)) : dflt;
  }

  private static void add(List<Problem> p, String problem, String setting, String value, String fix) {
    if (problem != null) {
      p.add(new Problem(field(setting), value, problem, fix));
    }
  }

  private static String quantityProblem(String q) {
    return q != null && QUANTITY.matcher(q).matches() && q.chars().anyMatch(c -> c >= '1' && c <= '9') ? null
        : "is not a positive Kubernetes quantity such as 40Gi";
  }

  private static String storageClassProblem(String name) {
    return name != null && name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches() ? null : "is not a StorageClass name";
  }

  private static String domainProblem(String d) {
    return d != null && DOMAIN.matcher(d).matches() ? null : "is not a DNS name";
  }

  private static String imageProblem(String image) {
    return image != null && IMAGE.matcher(image).matches() ? null : "is not an image reference";
  }

  private static String field(String setting) {
    return AddonSettings.field(NAME, setting);
  }

  /** Settings and user names; never passwords. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Logging l && describe().equals(l.describe()) && settingProblems.equals(l.settingProblems);
  }

  @Override
  public int hashCode() {
    return Objects.hash(describe(), settingProblems);
  }

  @Override
  public String toString() {
    return NAME + " " + describe().settings();
  }
}
