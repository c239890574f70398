package dev.kubesmith.addons.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.addons.testing.Clusters;
import dev.kubesmith.addons.testing.Plans;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.ComponentProvider;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Problem;
import dev.kubesmith.upstream.UpstreamMirror;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RookCephTest {
  private static final UpstreamMirror MIRROR = UpstreamMirror.fromEnvironment();

  @Test
  void installsCrdsThenOperatorThenClusterAfterTheNodes() {
    Plan plan = Plans.of(Clusters.ha(), RookCeph.defaults());

    List<Step> storage = plan.steps().stream().filter(s -> s.phase() == Phase.STORAGE).toList();

    assertThat(storage).extracting(Step::id).containsExactly("rook-ceph-crds", "rook-ceph-operator", "rook-ceph-cluster");
    assertThat(storage).allSatisfy(s -> assertThat(s.host()).isEmpty());
    assertThat(plan.requireStep("rook-ceph-crds").dependsOn()).containsExactly(Plans.NODES_READY);
    assertThat(plan.requireStep("rook-ceph-operator").dependsOn()).containsExactlyInAnyOrder("rook-ceph-crds", Plans.NODES_READY);
    assertThat(plan.requireStep("rook-ceph-cluster").dependsOn()).containsExactlyInAnyOrder("rook-ceph-operator", Plans.NODES_READY);
  }

  @Test
  void appliesTheUpstreamCrdsUnchangedAndWaitsForEachToBeEstablished() {
    String upstream = MIRROR.fetch(RookCeph.CRDS);
    Step crds = Plans.of(Clusters.ha(), RookCeph.defaults()).requireStep("rook-ceph-crds");

    assertThat(crds.manifests()).singleElement().satisfies(m -> {
      assertThat(m.name()).isEqualTo("rook-ceph-crds");
      assertThat(m.yaml()).isEqualTo(upstream);
    });
    long crdCount = Pattern.compile("(?m)^kind: CustomResourceDefinition$").matcher(upstream).results().count();
    assertThat(crdCount).isEqualTo(21);
    assertThat(crds.waitFor()).hasSize(21).doesNotHaveDuplicates().allMatch(w -> w.startsWith("crd/"))
        .contains("crd/cephclusters.ceph.rook.io", "crd/cephblockpools.ceph.rook.io", "crd/objectbuckets.objectbucket.io");
  }

  @Test
  void appliesTheUpstreamCommonAndOperatorManifestsUnchangedAndWaitsForTheOperator() {
    Step operator = Plans.of(Clusters.ha(), RookCeph.defaults()).requireStep("rook-ceph-operator");

    assertThat(operator.manifests()).extracting(Manifest::name).containsExactly("rook-ceph-common", "rook-ceph-operator");
    assertThat(operator.manifests().get(0).yaml()).isEqualTo(MIRROR.fetch(RookCeph.COMMON));
    assertThat(operator.manifests().get(1).yaml()).isEqualTo(MIRROR.fetch(RookCeph.OPERATOR));
    assertThat(operator.waitFor()).containsExactly("deployment/rook-ceph/rook-ceph-operator");
  }

  @Test
  void writesThreeMonsTwoMgrsAndThreeReplicasForHa() {
    Step cluster = Plans.of(Clusters.ha(), RookCeph.defaults()).requireStep("rook-ceph-cluster");

    assertThat(cluster.manifests()).extracting(Manifest::name)
        .containsExactly("rook-ceph-cluster", "rook-ceph-blockpool", "rook-ceph-storageclass");
    Map<String, Object> spec = spec(single(cluster, "rook-ceph-cluster"));
    assertThat(spec.get("mon")).isEqualTo(Map.of("count", 3, "allowMultiplePerNode", false));
    assertThat(spec.get("mgr")).isEqualTo(Map.of("count", 2));
    assertThat(spec(single(cluster, "rook-ceph-blockpool")))
        .isEqualTo(Map.of("failureDomain", "host", "replicated", Map.of("size", 3, "requireSafeReplicaSize", true)));
  }

  @Test
  void writesOneMonOneMgrAndOneReplicaForASingleMaster() {
    Step cluster = Plans.of(Clusters.singleMaster(), RookCeph.defaults()).requireStep("rook-ceph-cluster");

    Map<String, Object> spec = spec(single(cluster, "rook-ceph-cluster"));
    assertThat(spec.get("mon")).isEqualTo(Map.of("count", 1, "allowMultiplePerNode", false));
    assertThat(spec.get("mgr")).isEqualTo(Map.of("count", 1));
    assertThat(spec(single(cluster, "rook-ceph-blockpool")))
        .isEqualTo(Map.of("failureDomain", "host", "replicated", Map.of("size", 1, "requireSafeReplicaSize", false)));
  }

  @Test
  void takesTheCephImageFromUpstreamClusterYamlAndUsesAllDevicesByDefault() {
    Map<String, Object> cluster = single(Plans.of(Clusters.ha(), RookCeph.defaults()).requireStep("rook-ceph-cluster"),
        "rook-ceph-cluster");

    assertThat(cluster).containsEntry("apiVersion", "ceph.rook.io/v1").containsEntry("kind", "CephCluster")
        .containsEntry("metadata", Map.of("name", "rook-ceph", "namespace", "rook-ceph"));
    Map<String, Object> spec = spec(cluster);
    assertThat(spec.get("cephVersion")).isEqualTo(Map.of("image", "quay.io/ceph/ceph:v20.2.4"));
    assertThat(spec.get("dataDirHostPath")).isEqualTo("/var/lib/rook");
    assertThat(spec.get("storage")).isEqualTo(Map.of("useAllNodes", true, "useAllDevices", true));
  }

  @Test
  void putsOsdsOnTheNamedDevicesUnderTheChosenDataDirectory() {
    RookCeph rook = RookCeph.defaults().devices("sdb", "nvme0n1").dataDirHostPath("/srv/rook");
    Map<String, Object> spec = spec(single(Plans.of(Clusters.ha(), rook).requireStep("rook-ceph-cluster"), "rook-ceph-cluster"));

    assertThat(spec.get("dataDirHostPath")).isEqualTo("/srv/rook");
    assertThat(spec.get("storage")).isEqualTo(Map.of("useAllNodes", true, "useAllDevices", false,
        "devices", List.of(Map.of("name", "sdb"), Map.of("name", "nvme0n1"))));
  }

  @Test
  void marksRookCephBlockAsTheDefaultStorageClassWithUpstreamProvisionerAndParameters() {
    Map<String, Object> upstream = RookCephManifests.documents(MIRROR.fetch(RookCeph.RBD_STORAGE_CLASS)).stream()
        .map(d -> RookCephManifests.map(d, "doc")).filter(d -> "StorageClass".equals(d.get("kind"))).findFirst().orElseThrow();
    Map<String, Object> sc = single(Plans.of(Clusters.ha(), RookCeph.defaults()).requireStep("rook-ceph-cluster"),
        "rook-ceph-storageclass");

    assertThat(sc).containsEntry("apiVersion", "storage.k8s.io/v1").containsEntry("kind", "StorageClass")
        .containsEntry("provisioner", "rook-ceph.rbd.csi.ceph.com")
        .containsEntry("parameters", upstream.get("parameters"))
        .containsEntry("allowVolumeExpansion", true).containsEntry("reclaimPolicy", "Delete");
    assertThat(RookCephManifests.map(sc.get("metadata"), "metadata")).containsEntry("name", "rook-ceph-block")
        .containsEntry("annotations", Map.of("storageclass.kubernetes.io/is-default-class", "true"));
    assertThat(RookCephManifests.map(sc.get("parameters"), "parameters")).containsEntry("imageFormat", "2")
        .containsEntry("pool", "replicapool").containsEntry("clusterID", "rook-ceph");
  }

  @Test
  void describeRoundTripsThroughTheProviderFoundByServiceLoader() {
    RookCeph rook = RookCeph.defaults().dataDirHostPath("/srv/rook").devices("sdb", "sdc");
    ComponentProvider provider = ServiceLoader.load(ComponentProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("rook-ceph")).findFirst().orElseThrow();

    ComponentSpec described = rook.describe();

    assertThat(described.settings()).containsExactly(Map.entry("dataDirHostPath", "/srv/rook"), Map.entry("devices", "sdb,sdc"));
    assertThat(provider.kind()).isEqualTo(ComponentKind.ADDON);
    assertThat(provider.isDefaultFor(Clusters.ha())).isFalse();
    assertThat(provider.create(described)).isEqualTo(rook);
    assertThat(provider.create(RookCeph.defaults().useAllDevices().describe())).isEqualTo(RookCeph.defaults().useAllDevices());
    assertThat(provider.create(ComponentSpec.of("rook-ceph"))).isEqualTo(RookCeph.defaults());
  }

  @Test
  void acceptsTheDefaultsOnHaAndSingleMasterClusters() {
    assertThat(RookCeph.defaults().validate(Clusters.ha())).isEmpty();
    assertThat(RookCeph.defaults().validate(Clusters.singleMaster())).isEmpty();
  }

  @Test
  void rejectsHaWithFewerThanThreeNodesForThreeMons() {
    assertThat(RookCeph.defaults().validate(Clusters.haWithWorkers(2))).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("hosts");
      assertThat(p.value()).isEqualTo("2");
      assertThat(p.reason()).contains("3 mons");
      assertThat(p.fix()).contains("at least 3");
    });
  }

  @Test
  void rejectsNamedDevicesTogetherWithUseAllDevices() {
    assertThat(RookCeph.defaults().useAllDevices().devices("sdb").validate(Clusters.ha())).singleElement()
        .satisfies(p -> {
          assertThat(p.field()).isEqualTo("components[rook-ceph].settings.devices");
          assertThat(p.reason()).contains("useAllDevices");
        });
  }

  @Test
  void rejectsABadDeviceNameFromTheSpec() {
    List<Problem> problems = RookCeph.of(ComponentSpec.of("rook-ceph", Map.of("devices", "sdb,/dev/sdc"))).validate(Clusters.ha());

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("components[rook-ceph].settings.devices");
      assertThat(p.value()).isEqualTo("/dev/sdc");
      assertThat(p.fix()).contains("without /dev/, e.g. sdc");
    });
  }

  @Test
  void rejectsABadDeviceNameInTheSetter() {
    assertThatThrownBy(() -> RookCeph.defaults().devices("sdb", "/dev/sdc"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/dev/sdc");
  }

  @Test
  void rejectsAnUnknownSetting() {
    assertThat(RookCeph.of(ComponentSpec.of("rook-ceph", Map.of("directories", "/data"))).validate(Clusters.ha()))
        .singleElement().satisfies(p -> {
          assertThat(p.field()).isEqualTo("components[rook-ceph].settings.directories");
          assertThat(p.fix()).contains("dataDirHostPath", "devices", "useAllDevices");
        });
  }

  @Test
  void rejectsUseAllDevicesThatIsNotABoolean() {
    assertThat(RookCeph.of(ComponentSpec.of("rook-ceph", Map.of("useAllDevices", "yes"))).validate(Clusters.ha()))
        .singleElement().satisfies(p -> assertThat(p.field()).isEqualTo("components[rook-ceph].settings.useAllDevices"));
  }

  @Test
  void rejectsARelativeDataDirHostPath() {
    assertThat(RookCeph.of(ComponentSpec.of("rook-ceph", Map.of("dataDirHostPath", "var/lib/rook"))).validate(Clusters.ha()))
        .singleElement().satisfies(p -> assertThat(p.field()).isEqualTo("components[rook-ceph].settings.dataDirHostPath"));
    assertThatThrownBy(() -> RookCeph.defaults().dataDirHostPath("var/lib/rook")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pinsRookCeph1206ByChecksum() {
    assertThat(List.of(RookCeph.CRDS, RookCeph.COMMON, RookCeph.OPERATOR, RookCeph.CLUSTER, RookCeph.RBD_STORAGE_CLASS))
        .allSatisfy(f -> {
          assertThat(f.version()).isEqualTo("v1.20.6");
          assertThat(f.upstreamUrl()).startsWith("https://raw.githubusercontent.com/rook/rook/v1.20.6/deploy/examples/");
        });
    assertThat(RookCeph.RBD_STORAGE_CLASS.mirrorPath()).isEqualTo("rook-ceph/csi/rbd/storageclass.yaml");
    assertThat(RookCeph.CRDS.sha256()).isEqualTo("7fa7462d44b35d636703a03a88120030692a06a05ac91ec253200cb4ae8c37cf");
  }

  static Map<String, Object> single(Step step, String manifest) {
    String yaml = step.manifests().stream().filter(m -> m.name().equals(manifest)).findFirst().orElseThrow().yaml();
    List<Object> docs = RookCephManifests.documents(yaml);
    assertThat(docs).hasSize(1);
    return RookCephManifests.map(docs.get(0), manifest);
  }

  private static Map<String, Object> spec(Map<String, Object> object) {
    return RookCephManifests.map(object.get("spec"), "spec");
  }
}
