package dev.kubesmith.addons;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.addons.ingress.Traefik;
import dev.kubesmith.addons.logging.Logging;
import dev.kubesmith.addons.monitoring.KubePrometheus;
import dev.kubesmith.addons.storage.RookCeph;
import dev.kubesmith.addons.testing.Clusters;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Inventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Storage, ingress, monitoring and logging together in one HA plan, given in no particular order. */
class AllAddonsPlanTest {
  @Test
  void ordersTheAddonsByWhatTheyNeedAndRendersEveryManifest(@TempDir Path out) throws Exception {
    Plan plan = Cluster.ha().name("full").inventory(Inventory.of(Clusters.ha().hosts())).vip("198.18.4.100")
        .addons(Logging.efk().domain("example.com"), KubePrometheus.defaults().domain("example.com"),
            Traefik.defaults().domain("example.com"), RookCeph.defaults())
        .build().plan();
    List<String> ids = plan.steps().stream().map(Step::id).toList();

    assertThat(plan.spec().components()).extracting(c -> c.name()).containsSubsequence("rook-ceph", "logging")
        .containsSubsequence("traefik", "logging").containsSubsequence("rook-ceph", "kube-prometheus");
    assertThat(ids.indexOf("rook-ceph-cluster")).isLessThan(ids.indexOf("kube-prometheus")).isLessThan(ids.indexOf("kube-prometheus-ingress"));
    assertThat(ids.indexOf("rook-ceph-cluster")).isLessThan(ids.indexOf("logging"));
    assertThat(ids.indexOf("traefik")).isLessThan(ids.indexOf("logging-ingress"));
    assertThat(plan.requireStep("logging").dependsOn()).contains("rook-ceph-cluster", "traefik");
    assertThat(plan.notes()).anySatisfy(n -> assertThat(n).contains("*.example.com"));

    plan.render(out);
    for (String manifest : List.of("rook-ceph-crds", "rook-ceph-operator", "traefik", "kube-prometheus-setup", "logging")) {
      assertThat(Files.list(out.resolve("cluster")).map(p -> p.getFileName().toString()))
          .as("a manifest of step " + manifest).anyMatch(f -> f.startsWith(manifest.split("-")[0]));
    }
  }
}
