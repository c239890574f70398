package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.addons.ingress.Traefik;
import dev.kubesmith.addons.monitoring.KubePrometheus;
import dev.kubesmith.addons.storage.RookCeph;
import dev.kubesmith.backup.Velero;
import dev.kubesmith.backup.etcd.EtcdSnapshots;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.spec.InvalidSpecException;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Problem;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Bad values in the setters of several components: one InvalidSpecException from build() lists each. */
class SetterProblemsTest {
  @Test
  void badValuesInSeveralComponentsAreReportedTogetherByBuild() {
    Path hosts = Path.of("").toAbsolutePath();
    while (!hosts.resolve("samples/clustera_hosts").toFile().isFile()) {
      hosts = hosts.getParent();
    }
    Inventory inventory = Inventory.load(hosts.resolve("samples/clustera_hosts"));

    assertThatThrownBy(() -> Cluster.ha().inventory(inventory).vip("192.168.4.100")
        .addons(RookCeph.defaults().devices("/dev/sdb"), Traefik.defaults().domain("Not A Domain"),
            KubePrometheus.defaults().retention("30 days"))
        .backup(Velero.minioOnNfs("nfs1", "srv/backup").etcdSnapshots(EtcdSnapshots.defaults().keep(0)))
        .build())
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> org.assertj.core.api.Assertions.assertThat(e.problems())
            .extracting(Problem::field, Problem::value).contains(
                org.assertj.core.groups.Tuple.tuple("components[rook-ceph].settings.devices", "/dev/sdb"),
                org.assertj.core.groups.Tuple.tuple("components[traefik].settings.domain", "Not A Domain"),
                org.assertj.core.groups.Tuple.tuple("components[kube-prometheus].settings.retention", "30 days"),
                org.assertj.core.groups.Tuple.tuple("components[velero].settings.exportPath", "srv/backup"),
                org.assertj.core.groups.Tuple.tuple("components[velero].settings.etcdSnapshotKeep", "0")))
        .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((InvalidSpecException) e).problems())
            .allSatisfy(p -> org.assertj.core.api.Assertions.assertThat(p.fix()).isNotBlank()));
  }
}
