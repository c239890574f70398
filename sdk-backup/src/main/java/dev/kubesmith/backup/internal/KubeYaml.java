package dev.kubesmith.backup.internal;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Kubernetes objects (fabric8 models or maps) as multi-document YAML, and maps for custom resources. */
public final class KubeYaml {
  private KubeYaml() {}

  /** Multi-document YAML of the objects, each starting with {@code ---}. */
  public static String documents(List<?> objects) {
    StringBuilder b = new StringBuilder();
    for (Object o : objects) {
      String y = Serialization.asYaml(o);
      b.append(y.startsWith("---") ? y : "---\n" + y);
      if (!y.endsWith("\n")) {
        b.append('\n');
      }
    }
    return b.toString();
  }

  /** A namespaced custom resource as a map: apiVersion, kind, metadata (name, namespace, labels), spec. */
  public static Map<String, Object> resource(String apiVersion, String kind, String namespace, String name,
      Map<String, String> labels, Map<String, Object> spec) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name);
    metadata.put("namespace", namespace);
    if (!labels.isEmpty()) {
      metadata.put("labels", new LinkedHashMap<>(labels));
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", apiVersion);
    o.put("kind", kind);
    o.put("metadata", metadata);
    o.put("spec", spec);
    return o;
  }

  /** A mutable map from alternating keys and values, in order; for readable nested specs. */
  public static Map<String, Object> map(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must come in pairs");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }
}
