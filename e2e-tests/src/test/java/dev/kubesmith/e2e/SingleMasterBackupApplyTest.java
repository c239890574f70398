package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.backup.Velero;
import dev.kubesmith.backup.minio.MinioCredentials;
import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.Sandbox;
import dev.kubesmith.testkit.StandInControllers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 in a whole build: Cluster.singleMaster() with the backup component on the sandbox (bastion,
 * master, worker, the NFS host). The NFS host is prepared over SSH (real exportfs and iptables), the
 * MinIO root password generated there travels as a build secret into the MinIO and Velero Secrets
 * applied through the bastion, and Velero with its Schedule is applied; a re-run changes nothing.
 * etcd snapshots are left out here: the sandbox's masters run no etcd (the kubeadm stub stands in);
 * sdk-backup's EtcdSandboxTest snapshots and restores a real etcd.
 */
class SingleMasterBackupApplyTest {
  @Test
  void buildsWithNfsMinioAndVeleroAndReRunsWithoutChanges(@TempDir Path state) throws Exception {
    try (MockApi api = MockApi.start(); StandInControllers controllers = StandInControllers.onEvents(api.client());
         Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
             .host("master1", "198.18.4.31", Role.MASTER).host("worker1", "198.18.4.41", Role.WORKER)
             .host("nfs1", "198.18.4.50", Role.NFS)
             .apiServer(api.address()).build().start()) {
      Cluster cluster = Cluster.singleMaster().name("backup").inventory(sandbox.inventory()).ssh(sandbox.ssh())
          .backup(Velero.minioOnNfs("nfs1", "/srv/backup").withoutEtcdSnapshots()
              .schedule("test-daily", s -> s.daily().includeNamespaces("test").ttl(Duration.ofDays(7))))
          .build();

      BuildResult first = cluster.apply(ApplyOptions.defaults().stateDirectory(state));

      assertThat(first.ran()).contains("nfs-server@nfs1", "minio-credentials@nfs1", "minio", "minio-bucket",
          "velero-crds", "velero", "velero-schedules");
      assertThat(sandbox.host("nfs1").exec("exportfs", "-v").requireSuccess().stdout())
          .contains("/srv/backup", "198.18.4.0/24(", "root_squash");
      String generated = sandbox.host("nfs1").readFile(MinioCredentials.PASSWORD_FILE).strip();
      assertThat(MinioCredentials.read(api.client()).password()).isEqualTo(generated);
      assertThat(api.client().genericKubernetesResources("velero.io/v1", "Schedule").inNamespace("velero")
          .withName("test-daily").get().get("spec", "template", "ttl").toString()).isEqualTo("168h0m0s");
      assertThat(api.client().genericKubernetesResources("velero.io/v1", "BackupStorageLocation").inNamespace("velero")
          .list().getItems()).singleElement().satisfies(bsl ->
              assertThat(bsl.get("spec", "config", "s3Url").toString()).startsWith("http://minio."));
      String log = Files.readString(Path.of(System.getProperty("kubesmith.test.log")));
      assertThat(log).as("the MinIO root password never reaches the log").doesNotContain(generated);
      StateFiles.assertHoldNone(state, java.util.List.of(generated));

      BuildResult second = cluster.apply(ApplyOptions.defaults().stateDirectory(state));
      assertThat(second.ran()).as("only the facts and the steps that read secrets run again")
          .filteredOn(id -> !id.startsWith("facts@"))
          .containsExactlyInAnyOrder("join-credentials@master1", "minio-credentials@nfs1");
      assertThat(MinioCredentials.read(api.client()).password()).isEqualTo(generated);
    }
  }
}
