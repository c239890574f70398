package dev.kubesmith.addons.monitoring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * What kubesmith changes in, and adds to, the kube-prometheus manifests: the {@code Prometheus}
 * object {@value #PROMETHEUS_NAME} with replicas, retention and a PersistentVolumeClaim template; the
 * {@code Alertmanager} {@value #ALERTMANAGER_NAME} with replicas; and NetworkPolicies letting Traefik
 * reach the web UIs. Patches work on parsed copies of the upstream objects, so every other field
 * stays as upstream wrote it.
 *
 * <pre>{@code
 * Map<String, Object> prometheus = KubePrometheusManifests.single(mirror.fetch(KubePrometheusFiles.manifest("prometheus-prometheus.yaml")));
 * Map<String, Object> patched = KubePrometheusManifests.patchPrometheus(prometheus, 2, "30d", "10Gi", "rook-ceph-block");
 * }</pre>
 */
public final class KubePrometheusManifests {
  public static final String NAMESPACE = "monitoring";
  public static final String PROMETHEUS_NAME = "k8s";
  public static final String ALERTMANAGER_NAME = "main";
  public static final String PROMETHEUS_FILE = "prometheus-prometheus.yaml";
  public static final String ALERTMANAGER_FILE = "alertmanager-alertmanager.yaml";
  /** Name label of the pods the UIs run in, as upstream's Services select them. */
  public static final String NAME_LABEL = "app.kubernetes.io/name";
  /** The label Kubernetes puts on every namespace with its own name. */
  public static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
      .enable(YAMLWriteFeature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .build();

  private KubePrometheusManifests() {}

  /** The YAML documents of a manifest as maps and lists, leaving out empty documents. */
  public static List<Object> documents(String yaml) {
    try {
      return YAML.readerFor(Object.class).readValues(yaml).readAll().stream().filter(Objects::nonNull).toList();
    } catch (JacksonException e) {
      throw new IllegalArgumentException("a kube-prometheus manifest is not valid YAML: " + e.getOriginalMessage(), e);
    }
  }

  /** The one document of a single-object manifest. */
  public static Map<String, Object> single(String yaml) {
    List<Object> docs = documents(yaml);
    if (docs.size() != 1) {
      throw new IllegalArgumentException("expected one object in a kube-prometheus manifest, found " + docs.size());
    }
    return map(docs.get(0), "document");
  }

  /** Multi-document YAML of the given objects, each starting with {@code ---}. */
  public static String toYaml(List<?> objects) {
    StringBuilder b = new StringBuilder();
    objects.forEach(o -> b.append(YAML.writeValueAsString(o)));
    return b.toString();
  }

  /** The names of the CustomResourceDefinitions in a manifest, in file order; empty when it has none. */
  public static List<String> crdNames(String yaml) {
    return documents(yaml).stream().map(d -> map(d, "document"))
        .filter(d -> "CustomResourceDefinition".equals(d.get("kind")))
        .map(d -> string(map(d.get("metadata"), "CRD metadata").get("name"), "CRD metadata.name"))
        .toList();
  }

  /**
   * A copy of upstream's Prometheus with {@code spec.replicas}, {@code spec.retention} and
   * {@code spec.storage.volumeClaimTemplate} (ReadWriteOnce, the given size and StorageClass) set.
   */
  public static Map<String, Object> patchPrometheus(Map<String, Object> upstream, int replicas, String retention,
      String storage, String storageClass) {
    Map<String, Object> p = deepCopy(upstream);
    expect(p, "Prometheus", PROMETHEUS_NAME);
    Map<String, Object> spec = map(p.get("spec"), "Prometheus spec");
    spec.put("replicas", replicas);
    spec.put("retention", retention);
    Map<String, Object> pvcSpec = new LinkedHashMap<>();
    pvcSpec.put("accessModes", List.of("ReadWriteOnce"));
    pvcSpec.put("resources", Map.of("requests", Map.of("storage", storage)));
    pvcSpec.put("storageClassName", storageClass);
    spec.put("storage", Map.of("volumeClaimTemplate", Map.of("spec", pvcSpec)));
    return p;
  }

  /** A copy of upstream's Alertmanager with {@code spec.replicas} set. */
  public static Map<String, Object> patchAlertmanager(Map<String, Object> upstream, int replicas) {
    Map<String, Object> a = deepCopy(upstream);
    expect(a, "Alertmanager", ALERTMANAGER_NAME);
    map(a.get("spec"), "Alertmanager spec").put("replicas", replicas);
    return a;
  }

  /**
   * A NetworkPolicy {@code <name>-from-<fromNamespace>} in {@value #NAMESPACE} admitting TCP to
   * {@code port} of the pods labelled {@value #NAME_LABEL}={@code podName} from any pod in
   * {@code fromNamespace}. NetworkPolicies add up, so this opens that one port next to what
   * upstream's policies allow, without changing them.
   */
  public static Map<String, Object> allowFromNamespace(String name, String podName, int port, String fromNamespace) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name + "-from-" + fromNamespace);
    metadata.put("namespace", NAMESPACE);
    Map<String, Object> from = Map.of("namespaceSelector", Map.of("matchLabels", Map.of(NAMESPACE_NAME_LABEL, fromNamespace)));
    Map<String, Object> portRule = new LinkedHashMap<>();
    portRule.put("port", port);
    portRule.put("protocol", "TCP");
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("from", List.of(from));
    rule.put("ports", List.of(portRule));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("podSelector", Map.of("matchLabels", Map.of(NAME_LABEL, podName)));
    spec.put("ingress", List.of(rule));
    spec.put("policyTypes", List.of("Ingress"));
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", "networking.k8s.io/v1");
    o.put("kind", "NetworkPolicy");
    o.put("metadata", metadata);
    o.put("spec", spec);
    return o;
  }

  private static void expect(Map<String, Object> o, String kind, String name) {
    Object actualName = map(o.get("metadata"), kind + " metadata").get("name");
    if (!kind.equals(o.get("kind")) || !name.equals(actualName)) {
      throw new IllegalArgumentException("expected the kube-prometheus " + kind + " " + name + ", found " + o.get("kind") + " " + actualName);
    }
  }

  /** A mutable deep copy of maps and lists; scalars are shared. */
  @SuppressWarnings("unchecked")
  static <T> T deepCopy(T o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> c = new LinkedHashMap<>();
      m.forEach((k, v) -> c.put((String) k, deepCopy(v)));
      return (T) c;
    }
    if (o instanceof List<?> l) {
      List<Object> c = new ArrayList<>();
      l.forEach(v -> c.add(deepCopy(v)));
      return (T) c;
    }
    return o;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o, String what) {
    if (o instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new IllegalArgumentException("the kube-prometheus manifest's " + what + " is not a mapping");
  }

  private static String string(Object o, String what) {
    if (o instanceof String s && !s.isBlank()) {
      return s;
    }
    throw new IllegalArgumentException("the kube-prometheus manifest's " + what + " is missing or not a string");
  }
}
