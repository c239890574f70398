package dev.kubesmith.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.StandInControllers;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tier 2: the sample installs rook-ceph, Traefik and kube-prometheus through a kubeconfig against the
 * CRUD mock (stand-in controllers mark CRDs Established and workloads ready), then a re-run does nothing.
 */
class AddonsOnExistingClusterApplyTest {
  @TempDir
  Path tmp;

  @Test
  void installsTheAddonsThroughTheKubeconfigAndReRunsAsANoOp() throws Exception {
    try (MockApi api = MockApi.start(); StandInControllers controllers = StandInControllers.onEvents(api.client())) {
      api.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("master1")
          .addToLabels("node-role.kubernetes.io/control-plane", "").endMetadata()
          .withNewStatus().addNewAddress().withType("InternalIP").withAddress("198.18.4.31").endAddress().endStatus()
          .build()).create();
      api.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("worker1").endMetadata()
          .withNewStatus().addNewAddress().withType("InternalIP").withAddress("198.18.4.41").endAddress().endStatus()
          .build()).create();
      Path kubeconfig = tmp.resolve("admin.conf");
      Files.writeString(kubeconfig, api.kubeconfig());
      String[] args = {"--kubeconfig", kubeconfig.toString(), "--state-dir", tmp.resolve("state").toString()};

      SamplesPlanTest.Run first = SamplesPlanTest.run(AddonsOnExistingCluster::run, args);

      assertThat(first.err()).isEmpty();
      assertThat(first.exitCode()).isZero();
      assertThat(first.out()).contains("done rook-ceph-crds", "done traefik", "done kube-prometheus-setup");
      assertThat(api.client().genericKubernetesResources("ceph.rook.io/v1", "CephCluster").inNamespace("rook-ceph")
          .withName("rook-ceph").get().get("spec", "mon", "count").toString()).as("one mon: a single master").isEqualTo("1");
      assertThat(api.client().apps().daemonSets().inNamespace("traefik").withName("traefik").get()).isNotNull();

      SamplesPlanTest.Run again = SamplesPlanTest.run(AddonsOnExistingCluster::run, args);
      assertThat(again.exitCode()).isZero();
      assertThat(again.out()).contains("installed: 0 steps ran");
    }
  }
}
