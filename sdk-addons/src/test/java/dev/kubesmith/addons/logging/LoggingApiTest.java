package dev.kubesmith.addons.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.addons.testing.AddonApiContract;
import dev.kubesmith.addons.testing.Clusters;
import dev.kubesmith.addons.testing.MockCluster;
import dev.kubesmith.addons.testing.Plans;
import dev.kubesmith.plan.Plan;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.Test;

/** Tier 2: Elasticsearch, Kibana, fluent-bit and the index cleanup against fabric8's CRUD mock. */
class LoggingApiTest extends AddonApiContract {
  @Override
  protected Plan plan() {
    return Plans.of(Clusters.ha(), Logging.efk());
  }

  /** rook-ceph's block StorageClass with its CSI driver running: Elasticsearch's claims bind. */
  @Override
  protected void given(MockCluster cluster) {
    cluster.client().resource(new io.fabric8.kubernetes.api.model.storage.StorageClassBuilder().withNewMetadata()
        .withName("rook-ceph-block").endMetadata().withProvisioner("rook-ceph.rbd.csi.ceph.com").build()).create();
    cluster.client().resource(new io.fabric8.kubernetes.api.model.storage.CSIDriverBuilder().withNewMetadata()
        .withName("rook-ceph.rbd.csi.ceph.com").endMetadata().build()).create();
  }

  @Override
  protected String workloadToBreak() {
    return "statefulset/logging/elasticsearch";
  }

  @Test
  void appliesTheNamespaceFirstAndEveryWorkloadAndTheCleanupJob() {
    assertThat(first.stepsRun()).containsExactly(Logging.STEP_MAIN);
    assertThat(first.applied(Logging.STEP_MAIN)).startsWith("namespaces logging").contains(
        "statefulsets.apps logging/elasticsearch", "deployments.apps logging/kibana", "daemonsets.apps logging/fluent-bit",
        "cronjobs.batch logging/index-cleanup", "clusterroles.rbac.authorization.k8s.io fluent-bit");
  }

  @Test
  void leavesElasticsearchWithItsVolumeClaimsOnRookCephBlock() {
    StatefulSet es = cluster.client().apps().statefulSets().inNamespace("logging").withName("elasticsearch").get();

    assertThat(es.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(pvc -> {
      assertThat(pvc.getSpec().getStorageClassName()).isEqualTo("rook-ceph-block");
      assertThat(pvc.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("40Gi"));
    });
  }
}
