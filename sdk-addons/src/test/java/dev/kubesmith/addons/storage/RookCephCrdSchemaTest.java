package dev.kubesmith.addons.storage;

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
 * The custom resources rook-ceph gets from kubesmith validated against the openAPIV3Schema of their
 * CRDs in upstream's crds.yaml. Objects with {@code properties} are closed (additionalProperties
 * false) unless they preserve unknown fields, so a misspelt field fails here instead of being
 * pruned silently by the API server.
 */
class RookCephCrdSchemaTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static Schema cephCluster;
  private static Schema cephBlockPool;
  private static Schema operatorConfig;
  private static Schema driver;

  @BeforeAll
  static void loadSchemas() {
    List<Object> crds = RookCephManifests.documents(UpstreamMirror.fromEnvironment().fetch(RookCeph.CRDS));
    cephCluster = schemaOf(crds, "cephclusters.ceph.rook.io");
    cephBlockPool = schemaOf(crds, "cephblockpools.ceph.rook.io");
    List<Object> csiCrds = RookCephManifests.documents(UpstreamMirror.fromEnvironment().fetch(RookCeph.CSI_OPERATOR));
    operatorConfig = schemaOf(csiCrds, "operatorconfigs.csi.ceph.io");
    driver = schemaOf(csiCrds, "drivers.csi.ceph.io");
  }

  @Test
  void haCephClusterAndBlockPoolMatchTheirCrds() {
    Step step = Plans.of(Clusters.ha(), RookCeph.defaults()).requireStep("rook-ceph-cluster");

    assertThat(errors(cephCluster, RookCephTest.single(step, "rook-ceph-cluster"))).isEmpty();
    assertThat(errors(cephBlockPool, RookCephTest.single(step, "rook-ceph-blockpool"))).isEmpty();
  }

  @Test
  void singleMasterCephClusterWithNamedDevicesAndBlockPoolMatchTheirCrds() {
    RookCeph rook = RookCeph.defaults().devices("sdb", "nvme0n1").dataDirHostPath("/srv/rook");
    Step step = Plans.of(Clusters.singleMaster(), rook).requireStep("rook-ceph-cluster");

    assertThat(errors(cephCluster, RookCephTest.single(step, "rook-ceph-cluster"))).isEmpty();
    assertThat(errors(cephBlockPool, RookCephTest.single(step, "rook-ceph-blockpool"))).isEmpty();
  }

  @Test
  void csiResourcesOfOperatorYamlMatchTheCrdsOfTheCsiOperatorBundle() {
    Step step = Plans.of(Clusters.ha(), RookCeph.defaults()).requireStep("rook-ceph-csi-drivers");
    List<Map<String, Object>> objects = RookCephManifests.documents(step.manifests().get(0).yaml()).stream()
        .map(d -> RookCephManifests.map(d, "doc")).toList();

    assertThat(objects).extracting(o -> o.get("kind")).containsExactly("OperatorConfig", "Driver", "Driver");
    assertThat(errors(operatorConfig, objects.get(0))).isEmpty();
    assertThat(errors(driver, objects.get(1))).isEmpty();
    assertThat(errors(driver, objects.get(2))).isEmpty();
  }

  @Test
  void catchesAMisspeltDriverField() {
    Step step = Plans.of(Clusters.ha(), RookCeph.defaults()).requireStep("rook-ceph-csi-drivers");
    JsonNode rbd = JSON.valueToTree(RookCephManifests.documents(step.manifests().get(0).yaml()).get(1));
    ((ObjectNode) rbd.get("spec")).put("attachRequire", true);

    assertThat(driver.validate(rbd)).extracting(Error::getKeyword).contains("additionalProperties");
  }

  @Test
  void catchesAMonCountOfTheWrongType() {
    Map<String, Object> cluster = RookCephManifests.cephCluster("quay.io/ceph/ceph:v20.2.4", "/var/lib/rook", 3, 2, true, List.of());
    JsonNode node = JSON.valueToTree(cluster);
    ((ObjectNode) node.get("spec").get("mon")).put("count", "three");

    assertThat(cephCluster.validate(node)).extracting(Error::getKeyword).contains("type");
  }

  @Test
  void catchesAReplicaSizeOfTheWrongType() {
    JsonNode node = JSON.valueToTree(RookCephManifests.blockPool(3));
    ((ObjectNode) node.get("spec").get("replicated")).put("size", "3");

    assertThat(cephBlockPool.validate(node)).extracting(Error::getKeyword).contains("type");
  }

  @Test
  void catchesAMisspeltField() {
    JsonNode node = JSON.valueToTree(RookCephManifests.cephCluster("quay.io/ceph/ceph:v20.2.4", "/var/lib/rook", 3, 2, true, List.of()));
    ((ObjectNode) node.get("spec").get("storage")).put("useAllDevice", true);

    assertThat(cephCluster.validate(node)).extracting(Error::getKeyword).contains("additionalProperties");
  }

  private static List<Error> errors(Schema schema, Map<String, Object> object) {
    return schema.validate(JSON.valueToTree(object));
  }

  private static Schema schemaOf(List<Object> crds, String name) {
    Map<String, Object> crd = crds.stream().map(d -> RookCephManifests.map(d, "crd"))
        .filter(d -> name.equals(RookCephManifests.map(d.get("metadata"), "metadata").get("name")))
        .findFirst().orElseThrow();
    Object versions = RookCephManifests.map(crd.get("spec"), "spec").get("versions");
    Map<String, Object> v1 = ((List<?>) versions).stream().map(v -> RookCephManifests.map(v, "version"))
        .filter(v -> "v1".equals(v.get("name"))).findFirst().orElseThrow();
    return CrdSchemas.openApi(RookCephManifests.map(v1.get("schema"), "schema"));
  }

  /** Drops the x-kubernetes-* extensions and closes every object schema that does not keep unknown fields. */
}
