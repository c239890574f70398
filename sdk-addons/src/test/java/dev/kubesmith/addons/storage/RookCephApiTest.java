package dev.kubesmith.addons.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.addons.testing.AddonApiContract;
import dev.kubesmith.addons.testing.Clusters;
import dev.kubesmith.addons.testing.MockCluster;
import dev.kubesmith.addons.testing.Plans;
import dev.kubesmith.kube.KubernetesApi;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.upstream.UpstreamMirror;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tier 2: rook-ceph with its CSI drivers (the pinned ceph-csi-operator bundle of the mirror) against
 * fabric8's CRUD mock; without that bundle's CRDs the mock, like a real API server, refuses the
 * csi.ceph.io resources of operator.yaml.
 */
class RookCephApiTest extends AddonApiContract {
  @Override
  protected Plan plan() {
    return Plans.of(Clusters.ha(), RookCeph.defaults());
  }

  @Override
  protected String workloadToBreak() {
    return "deployment/rook-ceph/rook-ceph-operator";
  }

  @Test
  void appliesCrdsThenOperatorThenCsiOperatorThenItsDriversThenTheCluster() {
    assertThat(first.stepsRun()).containsExactly("rook-ceph-crds", "rook-ceph-operator", "rook-ceph-csi-operator",
        "rook-ceph-csi-drivers", "rook-ceph-cluster");
    assertThat(first.applied("rook-ceph-crds")).hasSize(21)
        .allMatch(o -> o.startsWith("customresourcedefinitions.apiextensions.k8s.io ") && o.endsWith(".io"));
    assertThat(first.applied("rook-ceph-operator")).startsWith("namespaces rook-ceph")
        .endsWith("configmaps rook-ceph/rook-ceph-operator-config", "configmaps rook-ceph/rook-csi-operator-image-set-configmap",
            "deployments.apps rook-ceph/rook-ceph-operator")
        .noneMatch(o -> o.contains("csi.ceph.io"));
    assertThat(first.applied("rook-ceph-csi-operator")).hasSize(60).startsWith(
        "customresourcedefinitions.apiextensions.k8s.io cephconnections.csi.ceph.io",
        "customresourcedefinitions.apiextensions.k8s.io clientprofilemappings.csi.ceph.io",
        "customresourcedefinitions.apiextensions.k8s.io clientprofiles.csi.ceph.io",
        "customresourcedefinitions.apiextensions.k8s.io drivers.csi.ceph.io",
        "customresourcedefinitions.apiextensions.k8s.io operatorconfigs.csi.ceph.io")
        .contains("serviceaccounts rook-ceph/ceph-csi-controller-manager")
        .endsWith("deployments.apps rook-ceph/ceph-csi-controller-manager");
    assertThat(first.applied("rook-ceph-csi-drivers")).containsExactly(
        "operatorconfigs.csi.ceph.io rook-ceph/ceph-csi-operator-config", "drivers.csi.ceph.io rook-ceph/rook-ceph.rbd.csi.ceph.com",
        "drivers.csi.ceph.io rook-ceph/rook-ceph.cephfs.csi.ceph.com");
    assertThat(first.applied("rook-ceph-cluster")).containsExactly("cephclusters.ceph.rook.io rook-ceph/rook-ceph",
        "cephblockpools.ceph.rook.io rook-ceph/replicapool", "storageclasses.storage.k8s.io rook-ceph-block");
  }

  @Test
  void anApiServerRefusesUpstreamOperatorYamlUnpatchedButTakesItWithoutTheCsiResources() {
    String upstream = UpstreamMirror.fromEnvironment().fetch(RookCeph.OPERATOR);

    try (MockCluster empty = MockCluster.start()) {
      KubernetesApi api = KubernetesApi.of(empty.client());
      assertThatThrownBy(() -> api.apply(Manifest.of("rook-ceph-operator", upstream)))
          .isInstanceOf(KubernetesApi.UnknownKindException.class)
          .hasMessageContaining("serves no OperatorConfig in csi.ceph.io/v1").hasMessageContaining("apply the CRD first");
      api.apply(Manifest.of("rook-ceph-operator", RookCephManifests.operatorWithoutCsiResources(upstream)));
      assertThat(empty.client().apps().deployments().inNamespace("rook-ceph").withName("rook-ceph-operator").get()).isNotNull();
    }
  }

  @Test
  void leavesTheCsiDriversForTheCsiOperatorAsOperatorYamlHasThem() {
    GenericKubernetesResource rbd = cluster.client().genericKubernetesResources("csi.ceph.io/v1", "Driver")
        .inNamespace("rook-ceph").withName("rook-ceph.rbd.csi.ceph.com").get();
    assertThat(rbd).isNotNull();
    assertThat(cluster.client().apps().deployments().inNamespace("rook-ceph").withName("ceph-csi-controller-manager").get()
        .getStatus().getReadyReplicas()).isEqualTo(1);
  }

  @Test
  void leavesTheCephClusterAndTheDefaultStorageClassAsPlanned() {
    StorageClass sc = cluster.client().storage().v1().storageClasses().withName("rook-ceph-block").get();
    assertThat(sc.getMetadata().getAnnotations()).containsEntry("storageclass.kubernetes.io/is-default-class", "true")
        .containsKey(KubernetesApi.APPLIED_HASH);
    assertThat(sc.getProvisioner()).isEqualTo("rook-ceph.rbd.csi.ceph.com");
    GenericKubernetesResource ceph = cluster.client().genericKubernetesResources("ceph.rook.io/v1", "CephCluster")
        .inNamespace("rook-ceph").withName("rook-ceph").get();
    assertThat((Object) ceph.get("spec", "mon")).isEqualTo(Map.of("count", 3, "allowMultiplePerNode", false));
  }
}
