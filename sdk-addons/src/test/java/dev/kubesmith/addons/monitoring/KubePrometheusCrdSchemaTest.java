package dev.kubesmith.addons.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.kubesmith.addons.testing.Clusters;
import dev.kubesmith.addons.testing.Plans;
import dev.kubesmith.plan.Step;
import dev.kubesmith.upstream.UpstreamMirror;
import dev.kubesmith.testkit.CrdSchemas;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The patched Prometheus and Alertmanager validated against the openAPIV3Schema of their CRDs in
 * upstream's manifests/setup, with objects closed (additionalProperties false) unless they preserve
 * unknown fields, as RookCephCrdSchemaTest does. The CRDs are large, so each is parsed once.
 */
class KubePrometheusCrdSchemaTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final UpstreamMirror MIRROR = UpstreamMirror.fromEnvironment();
  private static Schema prometheus;
  private static Schema alertmanager;
  private static Step main;

  @BeforeAll
  static void loadSchemas() {
    prometheus = schemaOf("0prometheusCustomResourceDefinition.yaml", "prometheuses.monitoring.coreos.com");
    alertmanager = schemaOf("0alertmanagerCustomResourceDefinition.yaml", "alertmanagers.monitoring.coreos.com");
    KubePrometheus kp = KubePrometheus.defaults().prometheusReplicas(3).retention("1w2d").storage("20Gi")
        .storageClass("fast").alertmanagerReplicas(5);
    main = Plans.of(Clusters.ha(), kp).requireStep("kube-prometheus");
  }

  @Test
  void patchedPrometheusMatchesItsCrd() {
    assertThat(prometheus.validate(node("kube-prometheus-prometheus-prometheus"))).isEmpty();
  }

  @Test
  void patchedAlertmanagerMatchesItsCrd() {
    assertThat(alertmanager.validate(node("kube-prometheus-alertmanager-alertmanager"))).isEmpty();
  }

  @Test
  void defaultPrometheusMatchesItsCrd() {
    Step defaults = Plans.of(Clusters.singleMaster(), KubePrometheus.defaults()).requireStep("kube-prometheus");
    JsonNode node = JSON.valueToTree(KubePrometheusManifests.single(
        KubePrometheusTest.manifest(defaults, "kube-prometheus-prometheus-prometheus").yaml()));
    assertThat(prometheus.validate(node)).isEmpty();
  }

  @Test
  void catchesARetentionNotInPrometheusDurationFormat() {
    JsonNode node = node("kube-prometheus-prometheus-prometheus");
    ((ObjectNode) node.get("spec")).put("retention", "30 days");

    assertThat(prometheus.validate(node)).extracting(Error::getKeyword).contains("pattern");
  }

  @Test
  void catchesAMisspeltStorageField() {
    JsonNode node = node("kube-prometheus-prometheus-prometheus");
    ((ObjectNode) node.get("spec").get("storage").get("volumeClaimTemplate").get("spec")).put("storageClass", "fast");

    assertThat(prometheus.validate(node)).extracting(Error::getKeyword).contains("additionalProperties");
  }

  @Test
  void catchesAlertmanagerReplicasOfTheWrongType() {
    JsonNode node = node("kube-prometheus-alertmanager-alertmanager");
    ((ObjectNode) node.get("spec")).put("replicas", "five");

    assertThat(alertmanager.validate(node)).extracting(Error::getKeyword).contains("type");
  }

  private static JsonNode node(String manifest) {
    return JSON.valueToTree(KubePrometheusManifests.single(KubePrometheusTest.manifest(main, manifest).yaml()));
  }

  private static Schema schemaOf(String file, String name) {
    Map<String, Object> crd = KubePrometheusManifests.single(MIRROR.fetch(KubePrometheusFiles.setup(file)));
    assertThat(KubePrometheusManifests.map(crd.get("metadata"), "metadata")).containsEntry("name", name);
    Object versions = KubePrometheusManifests.map(crd.get("spec"), "spec").get("versions");
    Map<String, Object> v1 = ((List<?>) versions).stream().map(v -> KubePrometheusManifests.map(v, "version"))
        .filter(v -> "v1".equals(v.get("name"))).findFirst().orElseThrow();
    return CrdSchemas.openApi(KubePrometheusManifests.map(v1.get("schema"), "schema"));
  }

  /** Drops the x-kubernetes-* extensions and closes every object schema that does not keep unknown fields. */
}
