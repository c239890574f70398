package dev.kubesmith.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.InvalidSpecException;
import dev.kubesmith.spec.Role;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The component through sdk-core's own builder: validated with the rest of the spec, planned in phase BACKUP, and back from YAML. */
class ClusterBackupPlanTest {
  static Inventory inventory() {
    return Inventory.of(List.of(Host.of("master1", "198.18.4.31", Role.MASTER), Host.of("worker1", "198.18.4.41", Role.WORKER),
        Host.of("nfs1", "198.18.4.50", Role.NFS)));
  }

  @Test
  void aSingleMasterClusterWithBackupPlansItAfterTheNodes() {
    Cluster cluster = Cluster.singleMaster().name("single").inventory(inventory()).ssh(Ssh.root())
        .backup(Velero.minioOnNfs("nfs1", "/srv/backup").schedule("test-daily", s -> s.daily().namespaces("test")
            .ttl(Duration.ofDays(7))))
        .build();

    Plan plan = cluster.plan();

    assertThat(plan.requireStep("nfs-server@nfs1").host()).contains("nfs1");
    assertThat(plan.requireStep(Velero.STEP_SCHEDULES).manifests()).hasSize(1);
    assertThat(plan.requireStep("etcd-snapshots@master1")).isNotNull();
    ClusterSpec back = ClusterSpec.fromYaml(cluster.spec().toYaml());
    assertThat(back.component("velero").orElseThrow().settings())
        .containsEntry("schedule.test-daily", "cron=@daily,namespaces=test,ttl=168h0m0s");
  }

  @Test
  void aBadSettingFailsTheBuildBeforeAnyHostIsTouched() {
    assertThatThrownBy(() -> Cluster.singleMaster().name("single").inventory(inventory()).ssh(Ssh.root())
        .backup(Velero.minioOnNfs("worker1", "/srv/backup")).build())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("components[velero].settings.nfsHost = worker1: does not have role nfs");
  }
}
