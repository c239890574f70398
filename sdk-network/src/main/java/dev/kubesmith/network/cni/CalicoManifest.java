package dev.kubesmith.network.cni;

import dev.kubesmith.spec.Cidr;
import dev.kubesmith.spec.Ipv4;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Patches the upstream Calico manifest in code, on its parsed YAML documents: in the
 * {@code calico-node} container of the {@code calico-node} DaemonSet it sets
 * {@code CALICO_IPV4POOL_CIDR} (upstream has it commented out, so Calico would pick
 * 192.168.0.0/16), {@code IP_AUTODETECTION_METHOD=can-reach=<target>} (so each node's address is
 * the one on the private network) and {@code FELIX_LOGSEVERITYSCREEN=warning}; in the
 * {@code calico-config} ConfigMap it sets the CNI plugin's {@code "log_level"} to {@code warning}.
 * Every other field stays as upstream has it; comments are not kept.
 *
 * <pre>{@code
 * String upstream = mirror.fetch(Calico.MANIFEST);
 * String yaml = CalicoManifest.patch(upstream, "10.0.0.0/16", "192.168.4.21");
 * }</pre>
 */
public final class CalicoManifest {
  /** Log level of Felix and of the CNI plugin: upstream's info is too chatty for production. */
  public static final String LOG_LEVEL = "warning";

  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
      .enable(YAMLWriteFeature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .enable(YAMLWriteFeature.LITERAL_BLOCK_STYLE)
      .build();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** Upstream's template placeholders that stand for JSON numbers, e.g. {@code "mtu": __CNI_MTU__}. */
  private static final Pattern BARE_PLACEHOLDER = Pattern.compile("(?<![\"\\w])(__[A-Z0-9_]+__)(?![\"\\w])");
  private static final String PLACEHOLDER_MARK = "kubesmith-bare:";

  private CalicoManifest() {}

  /**
   * The upstream manifest with the pod CIDR, the autodetection target and quieter logs.
   *
   * @param upstreamYaml the multi-document manifest as upstream publishes it
   * @param podCidr the cluster's pod CIDR, e.g. {@code 10.0.0.0/16}
   * @param autodetectTarget an address every node reaches over the private network, e.g. the first
   *     load balancer's private IP
   * @throws IllegalArgumentException when an argument is malformed or the manifest lacks what is patched
   */
  public static String patch(String upstreamYaml, String podCidr, String autodetectTarget) {
    Cidr.parse(podCidr);
    Ipv4.parse(autodetectTarget);
    List<Object> docs = documents(upstreamYaml);
    List<Object> env = calicoNodeEnv(docs);
    setEnv(env, "CALICO_IPV4POOL_CIDR", podCidr);
    setEnv(env, "IP_AUTODETECTION_METHOD", "can-reach=" + autodetectTarget);
    setEnv(env, "FELIX_LOGSEVERITYSCREEN", LOG_LEVEL);
    Map<String, Object> data = map(find(docs, "ConfigMap", "calico-config").get("data"), "calico-config data");
    data.put("cni_network_config", withCniLogLevel(string(data.get("cni_network_config"), "cni_network_config")));
    return write(docs);
  }

  /** The YAML documents of a manifest as maps and lists, leaving out empty documents. */
  public static List<Object> documents(String yaml) {
    try {
      return YAML.readerFor(Object.class).readValues(yaml).readAll().stream().filter(Objects::nonNull).toList();
    } catch (JacksonException e) {
      throw new IllegalArgumentException("the Calico manifest is not valid YAML: " + e.getOriginalMessage(), e);
    }
  }

  private static String write(List<Object> docs) {
    StringBuilder b = new StringBuilder();
    for (Object d : docs) {
      b.append(YAML.writeValueAsString(d));
    }
    return b.toString();
  }

  private static List<Object> calicoNodeEnv(List<Object> docs) {
    Map<String, Object> spec = map(map(map(find(docs, "DaemonSet", "calico-node").get("spec"), "spec")
        .get("template"), "spec.template").get("spec"), "spec.template.spec");
    Map<String, Object> container = list(spec.get("containers"), "containers").stream()
        .map(c -> map(c, "container"))
        .filter(c -> "calico-node".equals(c.get("name")))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the calico-node DaemonSet has no calico-node container"));
    return list(container.computeIfAbsent("env", k -> new ArrayList<>()), "env");
  }

  /** Sets the variable's value, replacing a valueFrom, or appends it when absent. */
  private static void setEnv(List<Object> env, String name, String value) {
    for (Object o : env) {
      Map<String, Object> e = map(o, "env entry");
      if (name.equals(e.get("name"))) {
        e.remove("valueFrom");
        e.put("value", value);
        return;
      }
    }
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("name", name);
    e.put("value", value);
    env.add(e);
  }

  /**
   * Sets {@code "log_level"} of the calico plugin in the CNI configuration template. The template
   * is JSON but for bare placeholders such as {@code __CNI_MTU__}, which stay bare in the output
   * so install-cni still substitutes numbers for them.
   */
  static String withCniLogLevel(String template) {
    String json = BARE_PLACEHOLDER.matcher(template).replaceAll("\"" + PLACEHOLDER_MARK + "$1\"");
    Map<String, Object> conf;
    try {
      conf = map(JSON.readValue(json, Object.class), "cni_network_config");
    } catch (JacksonException e) {
      throw new IllegalArgumentException("cni_network_config is not JSON: " + e.getOriginalMessage(), e);
    }
    List<Map<String, Object>> calico = list(conf.get("plugins"), "cni_network_config plugins").stream()
        .map(p -> map(p, "plugin")).filter(p -> "calico".equals(p.get("type"))).toList();
    if (calico.isEmpty()) {
      throw new IllegalArgumentException("cni_network_config has no plugin of type calico");
    }
    calico.forEach(p -> p.put("log_level", LOG_LEVEL));
    String out = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(conf);
    return out.replaceAll("\"" + Pattern.quote(PLACEHOLDER_MARK) + "(__[A-Z0-9_]+__)\"", "$1");
  }

  private static Map<String, Object> find(List<Object> docs, String kind, String name) {
    Predicate<Map<String, Object>> named = d -> kind.equals(d.get("kind")) && d.get("metadata") instanceof Map<?, ?> m
        && name.equals(m.get("name"));
    return docs.stream().filter(d -> d instanceof Map).map(d -> map(d, kind)).filter(named).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the Calico manifest has no " + kind + " " + name));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String what) {
    if (o instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new IllegalArgumentException("the Calico manifest's " + what + " is not a mapping");
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o, String what) {
    if (o instanceof List<?> l) {
      return (List<Object>) l;
    }
    throw new IllegalArgumentException("the Calico manifest's " + what + " is not a list");
  }

  private static String string(Object o, String what) {
    if (o instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException("the Calico manifest's " + what + " is not a string");
  }
}
