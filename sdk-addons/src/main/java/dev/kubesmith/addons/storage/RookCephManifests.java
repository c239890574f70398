package dev.kubesmith.addons.storage;

import dev.kubesmith.plan.Readiness;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * The rook-ceph objects kubesmith writes itself, and what it reads from the upstream files to write
 * them: the CephCluster (Ceph image as upstream's {@code cluster.yaml} pins it), the replicated
 * {@code replicapool} CephBlockPool, and the default StorageClass {@code rook-ceph-block} with the
 * provisioner and parameters of upstream's {@code csi/rbd/storageclass.yaml}; and upstream's
 * {@code operator.yaml} split into the operator and its {@value #CSI_GROUP} resources, which can only
 * be applied once the ceph-csi-operator bundle serves their CRDs.
 *
 * <pre>{@code
 * String image = RookCephManifests.cephImage(mirror.fetch(RookCeph.CLUSTER));
 * Map<String, Object> pool = RookCephManifests.blockPool(3);
 * String yaml = RookCephManifests.toYaml(List.of(pool));
 * }</pre>
 */
public final class RookCephManifests {
  /** The namespace upstream's manifests install the operator and the cluster into. */
  public static final String NAMESPACE = "rook-ceph";
  public static final String CLUSTER_NAME = "rook-ceph";
  public static final String POOL_NAME = "replicapool";
  public static final String STORAGE_CLASS_NAME = "rook-ceph-block";
  public static final String DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
  static final String CEPH_API_VERSION = "ceph.rook.io/v1";
  /** The API group of the ceph-csi-operator's resources (OperatorConfig, Driver), whose CRDs crds.yaml lacks. */
  public static final String CSI_GROUP = "csi.ceph.io";
  private static final Pattern DOCUMENT_START = Pattern.compile("(?m)^---[ \\t]*(?:#.*)?$\\n?");

  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
      .enable(YAMLWriteFeature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .build();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private RookCephManifests() {}

  /** The YAML documents of a manifest as maps and lists, leaving out empty documents. */
  public static List<Object> documents(String yaml) {
    try {
      return YAML.readerFor(Object.class).readValues(yaml).readAll().stream().filter(Objects::nonNull).toList();
    } catch (JacksonException e) {
      throw new IllegalArgumentException("a rook-ceph manifest is not valid YAML: " + e.getOriginalMessage(), e);
    }
  }

  /** Multi-document YAML of the given objects, each starting with {@code ---}. */
  public static String toYaml(List<?> objects) {
    StringBuilder b = new StringBuilder();
    objects.forEach(o -> b.append(YAML.writeValueAsString(o)));
    return b.toString();
  }

  /** The names of the CustomResourceDefinitions in upstream's {@code crds.yaml}, in file order. */
  public static List<String> crdNames(String crdsYaml) {
    List<String> names = documents(crdsYaml).stream().map(d -> map(d, "document"))
        .filter(d -> "CustomResourceDefinition".equals(d.get("kind")))
        .map(d -> string(map(d.get("metadata"), "CRD metadata").get("name"), "CRD metadata.name"))
        .toList();
    if (names.isEmpty()) {
      throw new IllegalArgumentException("the rook-ceph CRD manifest holds no CustomResourceDefinition");
    }
    return names;
  }

  /**
   * Upstream's {@code operator.yaml} without its {@value #CSI_GROUP} documents (OperatorConfig and the
   * RBD and CephFS Drivers), the other documents unchanged with their comments. Those resources need
   * the CRDs of the ceph-csi-operator bundle ({@code csi-operator.yaml}), which {@code crds.yaml}
   * does not hold, so applying them with the operator fails on any API server.
   */
  public static String operatorWithoutCsiResources(String operatorYaml) {
    return join(csiSplit(operatorYaml, false));
  }

  /** Only the {@value #CSI_GROUP} documents of upstream's {@code operator.yaml}, unchanged with their comments. */
  public static String csiResources(String operatorYaml) {
    return join(csiSplit(operatorYaml, true));
  }

  /**
   * What to wait for once the ceph-csi-operator bundle is applied: each of its CRDs Established, then
   * each of its Deployments ready.
   *
   * @throws IllegalArgumentException when the bundle has no CRD, no Deployment, or no CRD for a kind
   *     of {@code csiKinds}: then it is not the ceph-csi-operator bundle these resources need
   */
  public static List<String> csiOperatorWaits(String bundleYaml, Set<String> csiKinds) {
    List<Map<String, Object>> docs = documents(bundleYaml).stream().map(d -> map(d, "document")).toList();
    Set<String> served = new TreeSet<>();
    List<String> waits = new ArrayList<>();
    for (Map<String, Object> d : docs) {
      if ("CustomResourceDefinition".equals(d.get("kind"))) {
        Map<String, Object> spec = map(d.get("spec"), "CRD spec");
        if (CSI_GROUP.equals(spec.get("group"))) {
          served.add(string(map(spec.get("names"), "CRD spec.names").get("kind"), "CRD spec.names.kind"));
        }
        waits.add(Readiness.crd(string(map(d.get("metadata"), "CRD metadata").get("name"), "CRD metadata.name")));
      }
    }
    for (Map<String, Object> d : docs) {
      if ("Deployment".equals(d.get("kind"))) {
        Map<String, Object> metadata = map(d.get("metadata"), "Deployment metadata");
        waits.add(Readiness.of(Readiness.Kind.DEPLOYMENT, string(metadata.get("namespace"), "Deployment metadata.namespace"),
            string(metadata.get("name"), "Deployment metadata.name")));
      }
    }
    Set<String> missing = new TreeSet<>(csiKinds);
    missing.removeAll(served);
    if (!missing.isEmpty() || waits.stream().noneMatch(w -> w.startsWith("deployment/"))) {
      throw new IllegalArgumentException("the ceph-csi-operator bundle has " + (missing.isEmpty() ? "no Deployment"
          : "no CRD of " + CSI_GROUP + " for " + missing) + "; give the SHA-256 of deploy/examples/csi-operator.yaml of rook "
          + RookCeph.VERSION);
    }
    return waits;
  }

  /** The kinds of the {@value #CSI_GROUP} documents of upstream's {@code operator.yaml}. */
  public static Set<String> csiKinds(String operatorYaml) {
    Set<String> kinds = new TreeSet<>();
    documents(csiResources(operatorYaml)).forEach(d -> kinds.add(string(map(d, "document").get("kind"), "kind")));
    return kinds;
  }

  /** The Ceph image upstream's {@code cluster.yaml} pins in {@code spec.cephVersion.image}. */
  public static String cephImage(String clusterYaml) {
    Map<String, Object> cluster = find(documents(clusterYaml), "CephCluster");
    Map<String, Object> version = map(map(cluster.get("spec"), "CephCluster spec").get("cephVersion"), "spec.cephVersion");
    return string(version.get("image"), "spec.cephVersion.image");
  }

  /**
   * The CephCluster: mons one per node, mgrs, and OSDs on every node, on the named devices or on all
   * empty devices.
   *
   * @param devices device names such as {@code sdb}; ignored when {@code useAllDevices}
   */
  public static Map<String, Object> cephCluster(String cephImage, String dataDirHostPath, int mons, int mgrs,
      boolean useAllDevices, List<String> devices) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("cephVersion", Map.of("image", cephImage));
    spec.put("dataDirHostPath", dataDirHostPath);
    Map<String, Object> mon = new LinkedHashMap<>();
    mon.put("count", mons);
    mon.put("allowMultiplePerNode", false);
    spec.put("mon", mon);
    spec.put("mgr", Map.of("count", mgrs));
    Map<String, Object> storage = new LinkedHashMap<>();
    storage.put("useAllNodes", true);
    storage.put("useAllDevices", useAllDevices);
    if (!useAllDevices) {
      storage.put("devices", devices.stream().map(d -> Map.of("name", d)).toList());
    }
    spec.put("storage", storage);
    return object("CephCluster", CLUSTER_NAME, spec);
  }

  /** The block pool {@value #POOL_NAME}, one replica per host; a single replica is allowed only when asked for. */
  public static Map<String, Object> blockPool(int replicas) {
    Map<String, Object> replicated = new LinkedHashMap<>();
    replicated.put("size", replicas);
    // rook refuses size 1 unless requireSafeReplicaSize is false
    replicated.put("requireSafeReplicaSize", replicas > 1);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("failureDomain", "host");
    spec.put("replicated", replicated);
    return object("CephBlockPool", POOL_NAME, spec);
  }

  /**
   * The default StorageClass {@value #STORAGE_CLASS_NAME}: provisioner, parameters, volume expansion
   * and reclaim policy as upstream's RBD example has them.
   */
  public static StorageClass storageClass(String upstreamStorageClassYaml) {
    Map<String, Object> upstream = find(documents(upstreamStorageClassYaml), "StorageClass");
    Map<String, String> parameters = new LinkedHashMap<>();
    map(upstream.get("parameters"), "StorageClass parameters").forEach((k, v) -> parameters.put(k, String.valueOf(v)));
    return new StorageClassBuilder()
        .withNewMetadata().withName(STORAGE_CLASS_NAME).addToAnnotations(DEFAULT_CLASS_ANNOTATION, "true").endMetadata()
        .withProvisioner(string(upstream.get("provisioner"), "StorageClass provisioner"))
        .withParameters(parameters)
        .withAllowVolumeExpansion((Boolean) upstream.get("allowVolumeExpansion"))
        .withReclaimPolicy((String) upstream.get("reclaimPolicy"))
        .build();
  }

  /** A fabric8 model object as plain maps, so it is written with the same YAML settings as the rest. */
  public static Map<String, Object> asMap(Object model) {
    return map(JSON.readValue(Serialization.asJson(model), Object.class), model.getClass().getSimpleName());
  }

  /** The documents of a manifest as text, each with the comments above it; those of the CSI group or the others. */
  private static List<String> csiSplit(String yaml, boolean csi) {
    List<String> kept = new ArrayList<>();
    for (String text : DOCUMENT_START.split(yaml)) {
      List<Object> parsed = documents(text);
      if (parsed.isEmpty()) {
        continue;
      }
      Object apiVersion = map(parsed.get(0), "document").get("apiVersion");
      boolean isCsi = apiVersion instanceof String v && v.startsWith(CSI_GROUP + "/");
      if (isCsi == csi) {
        kept.add(text);
      }
    }
    return kept;
  }

  private static String join(List<String> documents) {
    return documents.stream().map(d -> d.endsWith("\n") ? d : d + "\n").collect(Collectors.joining("---\n"));
  }

  private static Map<String, Object> object(String kind, String name, Map<String, Object> spec) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name);
    metadata.put("namespace", NAMESPACE);
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", CEPH_API_VERSION);
    o.put("kind", kind);
    o.put("metadata", metadata);
    o.put("spec", spec);
    return o;
  }

  private static Map<String, Object> find(List<Object> docs, String kind) {
    List<Map<String, Object>> found = new ArrayList<>();
    docs.stream().map(d -> map(d, "document")).filter(d -> kind.equals(d.get("kind"))).forEach(found::add);
    if (found.isEmpty()) {
      throw new IllegalArgumentException("the rook-ceph manifest has no " + kind);
    }
    return found.get(0);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o, String what) {
    if (o instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new IllegalArgumentException("the rook-ceph manifest's " + what + " is not a mapping");
  }

  private static String string(Object o, String what) {
    if (o instanceof String s && !s.isBlank()) {
      return s;
    }
    throw new IllegalArgumentException("the rook-ceph manifest's " + what + " is missing or not a string");
  }
}
