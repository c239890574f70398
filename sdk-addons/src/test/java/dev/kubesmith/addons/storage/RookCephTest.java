package dev.kubesmith.addons.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.addons.testing.Clusters;
import dev.kubesmith.addons.testing.Mirrors;
import dev.kubesmith.addons.testing.Plans;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.ComponentProvider;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Problem;
import dev.kubesmith.upstream.UpstreamException;
import dev.kubesmith.upstream.UpstreamMirror;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RookCephTest {
  private static final UpstreamMirror MIRROR = UpstreamMirror.fromEnvironment();

  @Test
  void installsCrdsThenOperatorThenCsiDriversThenClusterAfterTheNodes() {
    Plan plan = Plans.of(Clusters.ha(), RookCeph.defaults());

    List<Step> storage = plan.steps().stream().filter(s -> s.phase() == Phase.STORAGE).toList();

    assertThat(storage).extracting(Step::id).containsExactly("rook-ceph-crds", "rook-ceph-operator", "rook-ceph-csi-operator",
        "rook-ceph-csi-drivers", "rook-ceph-cluster");
    assertThat(storage).allSatisfy(s -> assertThat(s.host()).isEmpty());
    assertThat(plan.requireStep("rook-ceph-crds").dependsOn()).containsExactly(Plans.NODES_READY);
    assertThat(plan.requireStep("rook-ceph-operator").dependsOn()).containsExactlyInAnyOrder("rook-ceph-crds", Plans.NODES_READY);
    assertThat(plan.requireStep("rook-ceph-cluster").dependsOn())
        .containsExactlyInAnyOrder("rook-ceph-operator", "rook-ceph-csi-drivers", Plans.NODES_READY);
    assertThat(plan.notes()).isEmpty();
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
  void appliesUpstreamCommonUnchangedAndOperatorWithoutItsCsiResourcesAndWaitsForTheOperator() {
    String upstream = MIRROR.fetch(RookCeph.OPERATOR);
    Step operator = Plans.of(Clusters.ha(), RookCeph.defaults()).requireStep("rook-ceph-operator");

    assertThat(operator.manifests()).extracting(Manifest::name).containsExactly("rook-ceph-common", "rook-ceph-operator");
    assertThat(operator.manifests().get(0).yaml()).isEqualTo(MIRROR.fetch(RookCeph.COMMON));
    String patched = operator.manifests().get(1).yaml();
    assertThat(kinds(patched)).containsExactly("v1/ConfigMap rook-ceph-operator-config",
        "v1/ConfigMap rook-csi-operator-image-set-configmap", "apps/v1/Deployment rook-ceph-operator");
    assertThat(kinds(upstream)).containsExactly("v1/ConfigMap rook-ceph-operator-config",
        "v1/ConfigMap rook-csi-operator-image-set-configmap", "csi.ceph.io/v1/OperatorConfig ceph-csi-operator-config",
        "csi.ceph.io/v1/Driver rook-ceph.rbd.csi.ceph.com", "csi.ceph.io/v1/Driver rook-ceph.cephfs.csi.ceph.com",
        "apps/v1/Deployment rook-ceph-operator");
    // the documents kept are upstream's text, comments included: only whole csi.ceph.io documents go
    assertThat(patched).doesNotContain("csi.ceph.io/v1").contains("# OLM: BEGIN OPERATOR DEPLOYMENT");
    assertThat(upstream.length() - patched.length()).isBetween(1000, 1700);
    assertThat(RookCephManifests.documents(patched)).isEqualTo(RookCephManifests.documents(upstream).stream()
        .filter(d -> !String.valueOf(RookCephManifests.map(d, "doc").get("apiVersion")).startsWith("csi.ceph.io/")).toList());
    assertThat(operator.waitFor()).containsExactly("deployment/rook-ceph/rook-ceph-operator");
  }

  @Test
  void leavesTheCsiDriversOutWithANoteWhenAskedTo() {
    Plan plan = Plans.of(Clusters.ha(), RookCeph.defaults().withoutCsiDrivers());

    assertThat(plan.steps()).extracting(Step::id).doesNotContain("rook-ceph-csi-operator", "rook-ceph-csi-drivers");
    assertThat(plan.steps()).flatExtracting(Step::manifests).extracting(Manifest::yaml)
        .noneMatch(yaml -> yaml.contains("csi.ceph.io/v1"));
    assertThat(plan.requireStep("rook-ceph-cluster").dependsOn()).doesNotContain("rook-ceph-csi-drivers");
    assertThat(plan.notes()).singleElement().satisfies(n -> assertThat(n)
        .contains("rook-ceph-block volumes will not provision until the ceph-csi-operator bundle (csi-operator.yaml of rook v1.20.6")
        .contains("https://raw.githubusercontent.com/rook/rook/v1.20.6/deploy/examples/csi-operator.yaml")
        .contains("withoutCsiDrivers()", "csiDrivers: false"));
  }

  @Test
  void appliesThePinnedCsiOperatorBundleThenTheCsiResourcesOfOperatorYamlBeforeTheCluster() {
    Plan plan = Plans.of(Clusters.ha(), RookCeph.defaults());

    Step csiOperator = plan.requireStep("rook-ceph-csi-operator");
    assertThat(csiOperator.dependsOn()).containsExactlyInAnyOrder("rook-ceph-operator", Plans.NODES_READY);
    assertThat(csiOperator.manifests()).singleElement()
        .satisfies(m -> assertThat(m.yaml()).isEqualTo(MIRROR.fetch(RookCeph.CSI_OPERATOR)));
    assertThat(csiOperator.waitFor()).containsExactly("crd/cephconnections.csi.ceph.io", "crd/clientprofilemappings.csi.ceph.io",
        "crd/clientprofiles.csi.ceph.io", "crd/drivers.csi.ceph.io", "crd/operatorconfigs.csi.ceph.io",
        "deployment/rook-ceph/ceph-csi-controller-manager");
    Step drivers = plan.requireStep("rook-ceph-csi-drivers");
    assertThat(drivers.dependsOn()).containsExactlyInAnyOrder("rook-ceph-csi-operator", Plans.NODES_READY);
    assertThat(drivers.manifests()).singleElement().satisfies(m -> assertThat(kinds(m.yaml())).containsExactly(
        "csi.ceph.io/v1/OperatorConfig ceph-csi-operator-config", "csi.ceph.io/v1/Driver rook-ceph.rbd.csi.ceph.com",
        "csi.ceph.io/v1/Driver rook-ceph.cephfs.csi.ceph.com"));
    assertThat(MIRROR.fetch(RookCeph.OPERATOR)).contains(drivers.manifests().get(0).yaml().split("---\n"));
  }

  @Test
  void refusesABundleWithoutTheCrdsTheCsiResourcesNeed(@TempDir Path dir) {
    String noDriverCrd = MIRROR.fetch(RookCeph.CSI_OPERATOR).replace("    kind: Driver\n", "    kind: Engine\n");
    UpstreamMirror mirror = Mirrors.offlinePlus(dir, "rook-ceph/csi-operator.yaml", noDriverCrd);
    RookCeph rook = RookCeph.defaults().csiOperator(Mirrors.sha256(noDriverCrd));

    assertThatThrownBy(() -> Plans.of(Clusters.ha(), mirror, rook))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no CRD of csi.ceph.io for [Driver]").hasMessageContaining("csi-operator.yaml of rook v1.20.6");
  }

  @Test
  void namesTheMissingBundleAndWhereItWasLookedFor(@TempDir Path dir) {
    UpstreamMirror withoutBundle = Mirrors.offlineWithout(dir, "rook-ceph/csi-operator.yaml");

    assertThatThrownBy(() -> Plans.of(Clusters.ha(), withoutBundle, RookCeph.defaults())).isInstanceOf(UpstreamException.class)
        .hasMessageContaining("rook-ceph/csi-operator.yaml")
        .hasMessageContaining(dir.resolve("rook-ceph/csi-operator.yaml").toString())
        .hasMessageContaining("point the SDK at a mirror that has it");
  }

  @Test
  void refusesABundleWhoseChecksumIsNotTheOneGiven() {
    RookCeph rook = RookCeph.defaults().csiOperator("ab".repeat(32));

    assertThatThrownBy(() -> Plans.of(Clusters.ha(), rook)).isInstanceOf(UpstreamException.class)
        .hasMessageContaining("has SHA-256 " + RookCeph.CSI_OPERATOR.sha256() + " but " + "ab".repeat(32) + " is pinned")
        .hasMessageContaining("https://raw.githubusercontent.com/rook/rook/v1.20.6/deploy/examples/csi-operator.yaml");
  }

  @Test
  void rejectsAnOtherCsiOperatorChecksumWhenTheDriversAreLeftOut() {
    assertThat(RookCeph.defaults().csiOperator("ab".repeat(32)).withoutCsiDrivers().validate(Clusters.ha()))
        .singleElement().satisfies(p -> assertThat(p.field()).isEqualTo("components[rook-ceph].settings.csiOperatorSha256"));
  }

  @Test
  void rejectsACsiOperatorChecksumThatIsNotASha256() {
    assertThat(RookCeph.defaults().csiOperator("d41d8cd98f00b204e9800998ecf8427e").validate(Clusters.ha()))
        .singleElement().satisfies(p -> assertThat(p.reason()).isEqualTo("is not a SHA-256"));
    assertThat(RookCeph.of(ComponentSpec.of("rook-ceph", Map.of("csiOperatorSha256", "latest"))).validate(Clusters.ha()))
        .singleElement().satisfies(p -> {
          assertThat(p.field()).isEqualTo("components[rook-ceph].settings.csiOperatorSha256");
          assertThat(p.fix()).contains("sha256sum", "csi-operator.yaml");
        });
  }

  @Test
  void csiDriversOptOutRoundTripsThroughTheYamlSetting() {
    RookCeph rook = RookCeph.defaults().withoutCsiDrivers();

    assertThat(rook.describe().settings()).containsExactly(Map.entry("csiDrivers", "false"));
    assertThat(RookCeph.of(rook.describe())).isEqualTo(rook);
    assertThat(rook.installsCsiDrivers()).isFalse();
    assertThat(rook.csiOperatorBundle()).isEmpty();
    assertThat(RookCeph.defaults().installsCsiDrivers()).isTrue();
    assertThat(RookCeph.of(ComponentSpec.of("rook-ceph", Map.of("csiDrivers", "no"))).validate(Clusters.ha()))
        .singleElement().satisfies(p -> assertThat(p.field()).isEqualTo("components[rook-ceph].settings.csiDrivers"));
  }

  @Test
  void csiOperatorChecksumRoundTripsThroughTheYamlSetting() {
    RookCeph rook = RookCeph.defaults().csiOperator("AB".repeat(32));

    assertThat(rook.describe().settings()).containsExactly(Map.entry("csiOperatorSha256", "ab".repeat(32)));
    assertThat(RookCeph.of(rook.describe())).isEqualTo(rook);
    assertThat(rook.csiOperatorBundle()).hasValueSatisfying(f -> {
      assertThat(f.mirrorPath()).isEqualTo("rook-ceph/csi-operator.yaml");
      assertThat(f.sha256()).isEqualTo("ab".repeat(32));
    });
    assertThat(RookCeph.defaults().csiOperatorBundle()).contains(RookCeph.CSI_OPERATOR);
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
    assertThat(RookCeph.defaults().devices("sdb", "/dev/sdc").validate(Clusters.ha())).extracting(p -> p.value())
        .containsExactly("/dev/sdc");
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
    assertThat(RookCeph.defaults().dataDirHostPath("var/lib/rook").validate(Clusters.ha())).extracting(p -> p.value())
        .containsExactly("var/lib/rook");
  }

  @Test
  void pinsRookCeph1206ByChecksum() {
    assertThat(List.of(RookCeph.CRDS, RookCeph.COMMON, RookCeph.OPERATOR, RookCeph.CLUSTER, RookCeph.CSI_OPERATOR,
        RookCeph.RBD_STORAGE_CLASS))
        .allSatisfy(f -> {
          assertThat(f.version()).isEqualTo("v1.20.6");
          assertThat(f.upstreamUrl()).startsWith("https://raw.githubusercontent.com/rook/rook/v1.20.6/deploy/examples/");
        });
    assertThat(RookCeph.RBD_STORAGE_CLASS.mirrorPath()).isEqualTo("rook-ceph/csi/rbd/storageclass.yaml");
    assertThat(RookCeph.CSI_OPERATOR.upstreamUrl())
        .isEqualTo("https://raw.githubusercontent.com/rook/rook/v1.20.6/deploy/examples/csi-operator.yaml");
    assertThat(RookCeph.CSI_OPERATOR.mirrorPath()).isEqualTo("rook-ceph/csi-operator.yaml");
    assertThat(RookCeph.CSI_OPERATOR.sha256()).isEqualTo("de0bf9160c8370220353d7140a4b60ee6d4b8eda5e260f395fd00cbdc1059ffb");
    assertThat(RookCeph.CRDS.sha256()).isEqualTo("7fa7462d44b35d636703a03a88120030692a06a05ac91ec253200cb4ae8c37cf");
  }

  static Map<String, Object> single(Step step, String manifest) {
    String yaml = step.manifests().stream().filter(m -> m.name().equals(manifest)).findFirst().orElseThrow().yaml();
    List<Object> docs = RookCephManifests.documents(yaml);
    assertThat(docs).hasSize(1);
    return RookCephManifests.map(docs.get(0), manifest);
  }

  /** "apiVersion/kind name" of each document. */
  static List<String> kinds(String yaml) {
    return RookCephManifests.documents(yaml).stream().map(d -> RookCephManifests.map(d, "doc"))
        .map(d -> d.get("apiVersion") + "/" + d.get("kind") + " " + RookCephManifests.map(d.get("metadata"), "metadata").get("name"))
        .toList();
  }

  private static Map<String, Object> spec(Map<String, Object> object) {
    return RookCephManifests.map(object.get("spec"), "spec");
  }
}
