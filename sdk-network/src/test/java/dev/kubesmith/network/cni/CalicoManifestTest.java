package dev.kubesmith.network.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.upstream.UpstreamMirror;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The patched manifest against the pinned upstream one, read through the test mirror. */
class CalicoManifestTest {
  private static final YAMLMapper YAML = YAMLMapper.builder().build();
  private static final List<String> PATCHED_ENV = List.of("CALICO_IPV4POOL_CIDR", "IP_AUTODETECTION_METHOD",
      "FELIX_LOGSEVERITYSCREEN");
  private static String upstream;
  private static String patched;

  @BeforeAll
  static void patchOnce() {
    upstream = UpstreamMirror.fromEnvironment().fetch(Calico.MANIFEST);
    patched = CalicoManifest.patch(upstream, "10.0.0.0/16", "198.18.4.21");
  }

  @Test
  void keepsEveryUpstreamDocumentAndFieldButThePatchedOnes() {
    List<Object> before = documents(upstream);
    List<Object> after = documents(patched);

    assertThat(after).hasSameSizeAs(before);
    withoutPatchedFields(before);
    withoutPatchedFields(after);
    assertThat(after).isEqualTo(before);
  }

  @Test
  void setsThePodCidrWhichUpstreamLeavesCommentedOut() {
    assertThat(env(documents(upstream))).doesNotContainKey("CALICO_IPV4POOL_CIDR");

    assertThat(env(documents(patched))).containsEntry("CALICO_IPV4POOL_CIDR", "10.0.0.0/16");
  }

  @Test
  void detectsEachNodesAddressByReachingTheTargetAndLogsOnlyWarnings() {
    Map<String, Object> env = env(documents(patched));

    assertThat(env).containsEntry("IP_AUTODETECTION_METHOD", "can-reach=198.18.4.21")
        .containsEntry("FELIX_LOGSEVERITYSCREEN", "warning");
  }

  @Test
  void setsTheCniPluginLogLevelAndKeepsTheRestOfItsTemplate() {
    String before = cniConfig(documents(upstream));
    String after = cniConfig(documents(patched));
    Map<String, Object> beforeJson = json(before);
    Map<String, Object> afterJson = json(after);

    assertThat(plugin(beforeJson, "calico")).containsEntry("log_level", "info");
    assertThat(plugin(afterJson, "calico")).containsEntry("log_level", "warning");
    plugin(beforeJson, "calico").remove("log_level");
    plugin(afterJson, "calico").remove("log_level");
    assertThat(afterJson).isEqualTo(beforeJson);
    assertThat(after).as("install-cni substitutes the MTU as a number, so it must stay unquoted")
        .containsPattern("\"mtu\"\\s*:\\s*__CNI_MTU__\\s*,")
        .contains("\"__KUBERNETES_NODE_NAME__\"", "\"__KUBECONFIG_FILEPATH__\"");
  }

  @Test
  void patchingTwiceGivesTheSameManifest() {
    assertThat(CalicoManifest.patch(patched, "10.0.0.0/16", "198.18.4.21")).isEqualTo(patched);
  }

  @Test
  void replacesAValueThatIsAlreadySet() {
    String other = CalicoManifest.patch(patched, "10.20.0.0/16", "198.18.4.31");

    assertThat(env(documents(other))).containsEntry("CALICO_IPV4POOL_CIDR", "10.20.0.0/16")
        .containsEntry("IP_AUTODETECTION_METHOD", "can-reach=198.18.4.31");
    assertThat(envNames(documents(other))).containsOnlyOnce(PATCHED_ENV.toArray(String[]::new));
  }

  @Test
  void rejectsAMalformedPodCidrOrTarget() {
    assertThatThrownBy(() -> CalicoManifest.patch(upstream, "10.0.0.0/33", "198.18.4.21"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10.0.0.0/33");
    assertThatThrownBy(() -> CalicoManifest.patch(upstream, "10.0.0.0/16", "lb1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lb1");
  }

  @Test
  void rejectsAManifestWithoutTheCalicoNodeDaemonSet() {
    assertThatThrownBy(() -> CalicoManifest.patch("kind: ConfigMap\nmetadata:\n  name: calico-config\n", "10.0.0.0/16",
        "198.18.4.21")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DaemonSet calico-node");
  }

  static List<Object> documents(String yaml) {
    return YAML.readerFor(Object.class).readValues(yaml).readAll().stream().filter(d -> d != null).toList();
  }

  /** Removes the patched env entries and the CNI template, which the other tests compare on their own. */
  @SuppressWarnings("unchecked")
  private static void withoutPatchedFields(List<Object> docs) {
    List<Object> env = calicoNodeEnv(docs);
    env.removeIf(e -> PATCHED_ENV.contains(((Map<String, Object>) e).get("name")));
    ((Map<String, Object>) find(docs, "ConfigMap", "calico-config").get("data")).remove("cni_network_config");
  }

  private static Map<String, Object> env(List<Object> docs) {
    Map<String, Object> env = new LinkedHashMap<>();
    for (Object e : calicoNodeEnv(docs)) {
      Map<?, ?> m = (Map<?, ?>) e;
      env.put((String) m.get("name"), m.get("value"));
    }
    return env;
  }

  private static List<String> envNames(List<Object> docs) {
    return calicoNodeEnv(docs).stream().map(e -> (String) ((Map<?, ?>) e).get("name")).toList();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> calicoNodeEnv(List<Object> docs) {
    Map<String, Object> ds = find(docs, "DaemonSet", "calico-node");
    Map<String, Object> podSpec = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) ds.get("spec"))
        .get("template")).get("spec");
    return ((List<Object>) podSpec.get("containers")).stream().map(c -> (Map<String, Object>) c)
        .filter(c -> "calico-node".equals(c.get("name"))).map(c -> (List<Object>) c.get("env")).findFirst().orElseThrow();
  }

  private static String cniConfig(List<Object> docs) {
    return (String) ((Map<?, ?>) find(docs, "ConfigMap", "calico-config").get("data")).get("cni_network_config");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> find(List<Object> docs, String kind, String name) {
    Optional<Map<String, Object>> doc = docs.stream().map(d -> (Map<String, Object>) d)
        .filter(d -> kind.equals(d.get("kind")) && name.equals(((Map<?, ?>) d.get("metadata")).get("name"))).findFirst();
    assertThat(doc).as(kind + " " + name).isPresent();
    return doc.get();
  }

  /** The CNI template as JSON, its numeric placeholders read as a number (as install-cni fills them in). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(String template) {
    return JsonMapper.builder().build().readValue(template.replace("__CNI_MTU__", "1440"), Map.class);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> plugin(Map<String, Object> conf, String type) {
    return ((List<Object>) conf.get("plugins")).stream().map(p -> (Map<String, Object>) p)
        .filter(p -> type.equals(p.get("type"))).findFirst().orElseThrow();
  }

}
