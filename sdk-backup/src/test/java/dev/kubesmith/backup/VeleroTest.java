package dev.kubesmith.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.backup.etcd.EtcdSnapshots;
import dev.kubesmith.backup.minio.MinioManifests;
import dev.kubesmith.backup.nfs.NfsServer;
import dev.kubesmith.backup.testing.Clusters;
import dev.kubesmith.backup.testing.Plans;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.Components;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Problem;
import dev.kubesmith.spec.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VeleroTest {
  static final Velero BACKUP = Velero.minioOnNfs("nfs1", "/srv/backup")
      .schedule("test-daily", s -> s.daily().includeNamespaces("test").ttl(Duration.ofDays(7)));

  @Test
  void plansNfsHostMinioVeleroSchedulesAndEtcdSnapshotsInOrder() {
    Plan plan = Plans.of(Clusters.ha(), BACKUP);

    assertThat(plan.requireStep("nfs-server@nfs1").host()).contains("nfs1");
    assertThat(plan.requireStep(Velero.STEP_MINIO).dependsOn()).contains("nfs-server@nfs1", "minio-credentials@nfs1",
        Plans.NODES_READY);
    assertThat(plan.requireStep(Velero.STEP_BUCKET).dependsOn()).contains(Velero.STEP_MINIO);
    assertThat(plan.requireStep(Velero.STEP_VELERO).dependsOn()).contains(Velero.STEP_CRDS, Velero.STEP_BUCKET);
    assertThat(plan.requireStep(Velero.STEP_SCHEDULES).dependsOn()).containsExactly(Velero.STEP_VELERO);
    assertThat(plan.requireStep(Velero.STEP_VELERO).waitFor())
        .containsExactly("deployment/velero/velero", "daemonset/velero/node-agent");
    assertThat(plan.requireStep(Velero.STEP_CRDS).waitFor()).hasSize(13).contains("crd/schedules.velero.io");
    for (String m : List.of("master1", "master2", "master3")) {
      assertThat(plan.requireStep("etcd-snapshots@" + m).dependsOn()).contains("nfs-server@nfs1", Plans.CONTROL_PLANE);
    }
    assertThat(plan.steps().stream().map(Step::id)).doesNotContain("etcd-snapshots@worker1");
  }

  @Test
  void rendersNfsHostFilesUnderHostsAndKubernetesObjectsUnderClusterWithoutSecrets(@TempDir Path dir) throws IOException {
    Path out = Plans.of(Clusters.ha(), BACKUP).render(dir.resolve("plan"));

    assertThat(out.resolve("hosts/nfs1/etc/exports.d/kubesmith.exports")).content()
        .contains("/srv/backup 198.18.4.0/24(rw,sync,no_subtree_check,root_squash,sec=sys)");
    assertThat(out.resolve("hosts/nfs1/etc/kubesmith/nfs-firewall.rules")).exists();
    assertThat(out.resolve("hosts/master1/usr/local/lib/kubesmith/etcd-snapshot.sh")).exists();
    assertThat(out.resolve("hosts/master2/etc/kubesmith/etcd-snapshot.env")).content()
        .contains("NFS_SOURCE=198.18.4.50:/srv/backup/etcd", "KEEP=7");
    for (String m : List.of("minio", "minio-bucket", "velero", "velero-storage-location", "velero-schedules",
        "velero-crd-backups", "velero-crd-datauploads")) {
      assertThat(out.resolve("cluster/" + m + ".yaml")).exists();
    }
    assertThat(out.resolve("cluster/minio.yaml")).content()
        .contains("rootPassword: \"{{secret:minio-root-password}}\"", "server: \"198.18.4.50\"", "path: \"/srv/backup/minio\"",
            MinioManifests.IMAGE);
    assertThat(out.resolve("cluster/velero.yaml")).content()
        .contains("aws_secret_access_key={{secret:minio-root-password}}", "velero/velero:v1.18.1",
            "velero/velero-plugin-for-aws:v1.14.2");
    try (Stream<Path> files = Files.walk(out)) {
      // the password only ever exists on the NFS host and in the cluster: no file of the plan holds a value for it
      assertThat(files.filter(Files::isRegularFile).map(VeleroTest::read))
          .noneMatch(t -> t.matches("(?s).*aws_secret_access_key=[0-9a-f]{16,}.*"));
    }
  }

  @Test
  void minioCredentialStepCapturesTheGeneratedPasswordAndNeverCarriesIt() {
    Step step = Plans.of(Clusters.ha(), BACKUP).requireStep("minio-credentials@nfs1");

    assertThat(step.captures()).containsOnlyKeys(MinioManifests.PASSWORD_SECRET);
    assertThat(step.commands()).anyMatch(c -> c.contains("/dev/urandom") && c.contains("umask 077"));
  }

  @Test
  void findsTheOnlyNfsHostOfTheInventoryWhenNoneIsNamed() {
    Plan plan = Plans.of(Clusters.singleMaster(), Velero.defaults());

    assertThat(plan.requireStep("nfs-server@nfs1").files()).anyMatch(f -> f.content().startsWith("# Written")
        && f.content().contains("/srv/backup 198.18.4.0/24("));
    assertThat(plan.step(Velero.STEP_SCHEDULES)).isEmpty();
  }

  @Test
  void reportsAMissingOrWrongNfsHostWithTheFix() {
    ClusterSpec noNfs = ClusterSpec.builder().from(Clusters.singleMaster())
        .hosts(Clusters.singleMaster().hosts().stream().filter(h -> !h.has(Role.NFS)).toList()).build();

    assertThat(Velero.defaults().validate(noNfs)).extracting(Problem::message)
        .containsExactly("components[velero].settings.nfsHost: is not set and no host has role nfs; give the backup host"
            + " role nfs in the inventory, or name it with nfsHost");
    assertThat(Velero.minioOnNfs("worker1", "/srv/backup").validate(Clusters.singleMaster())).extracting(Problem::message)
        .containsExactly("components[velero].settings.nfsHost = worker1: does not have role nfs; give it role nfs in the"
            + " inventory (a host outside the cluster: not a master, worker or lb)");
    assertThat(Velero.minioOnNfs("nfs9", "/srv/backup").validate(Clusters.singleMaster())).extracting(Problem::field)
        .containsExactly("components[velero].settings.nfsHost");
    assertThat(Velero.minioOnNfs("nfs1", "/srv/backup").validate(Clusters.singleMaster())).isEmpty();
  }

  @Test
  void badBuilderInputIsStoredAndReportedTogetherNamingTheFix() {
    Velero bad = Velero.minioOnNfs("", "srv/backup").schedule(BackupSchedule.named("x")).minioSize("50GB")
        .bucket("Bad_Bucket").etcdSnapshots(EtcdSnapshots.every("daily; rm -rf /").keep(0));

    assertThat(bad.validate(Clusters.singleMaster())).extracting(Problem::field, Problem::value).contains(
        org.assertj.core.groups.Tuple.tuple("components[velero].settings.exportPath", "srv/backup"),
        org.assertj.core.groups.Tuple.tuple("components[velero].settings.schedule.x", "x"),
        org.assertj.core.groups.Tuple.tuple("components[velero].settings.minioSize", "50GB"),
        org.assertj.core.groups.Tuple.tuple("components[velero].settings.bucket", "Bad_Bucket"),
        org.assertj.core.groups.Tuple.tuple("components[velero].settings.etcdSnapshotCalendar", "daily; rm -rf /"),
        org.assertj.core.groups.Tuple.tuple("components[velero].settings.etcdSnapshotKeep", "0"));
    assertThat(BACKUP.schedule(BackupSchedule.named("test-daily").hourly()).validate(Clusters.singleMaster()))
        .extracting(Problem::reason).contains("is added twice");
  }

  @Test
  void cliOptionsMakeTheSameComponentAsTheFluentBuilder() {
    Velero cli = Velero.fromOptions("velero", List.of("name=test-daily,cron=@daily,namespaces=test,ttl=168h"));

    assertThat(cli.schedules()).isEqualTo(BACKUP.schedules());
    assertThat(Velero.fromOptions("backup", List.of())).isEqualTo(Velero.defaults());
    assertThatThrownBy(() -> Velero.fromOptions("restic", List.of())).hasMessage("--backup restic is not known; write --backup velero");
    assertThatThrownBy(() -> Velero.fromOptions("velero", List.of("name=x,cron=@dialy")))
        .hasMessageContaining("--schedule 'name=x,cron=@dialy'").hasMessageContaining("is not a known descriptor");
  }

  @Test
  void providersCreateItByBothNamesAndTheYamlFormRoundTrips() {
    Velero v = BACKUP.minioSize("200Gi").etcdSnapshots(EtcdSnapshots.every("daily").keep(14));
    ComponentSpec yaml = v.describe();

    assertThat(yaml.settings()).containsEntry("schedule.test-daily", "cron=@daily,namespaces=test,ttl=168h0m0s")
        .containsEntry("nfsHost", "nfs1").containsEntry("minioSize", "200Gi").containsEntry("etcdSnapshotKeep", "14")
        .doesNotContainKey("exportPath");
    assertThat(Components.named("velero").orElseThrow().create(yaml)).isEqualTo(v);
    assertThat(Components.named("backup").orElseThrow().create(yaml)).isEqualTo(v);
    assertThat(Components.named("velero").orElseThrow().kind()).isEqualTo(ComponentKind.BACKUP);
    assertThat(Velero.of(ComponentSpec.of("velero", Map.of("etcdSnapshots", "false"))).etcdSnapshots()).isEmpty();
  }

  @Test
  void reportsEveryYamlSettingItCannotRead() {
    Velero v = Velero.of(ComponentSpec.of("velero", Map.of("minioSize", "lots", "schedule.x", "cron=@dialy",
        "etcdSnapshotKeep", "many", "exportpath", "/srv", "bucket", "My_Bucket", "etcdSnapshots", "yes")));

    assertThat(v.validate(Clusters.singleMaster())).extracting(Problem::field).containsExactlyInAnyOrder(
        "components[velero].settings.minioSize", "components[velero].settings.schedule.x",
        "components[velero].settings.etcdSnapshotKeep", "components[velero].settings.exportpath",
        "components[velero].settings.bucket", "components[velero].settings.etcdSnapshots");
  }

  @Test
  void nfsExportAndFirewallAdmitEveryHostNetworkAndDropNfsFromElsewhere() {
    ClusterSpec two = ClusterSpec.builder().from(Clusters.singleMaster()).network(dev.kubesmith.spec.NetworkPlan.builder().from(Clusters.network()).hostNetworks(java.util.List.of(
        "198.18.4.0/24", "198.18.5.0/24")).build()).build();
    NfsServer nfs = NfsServer.on(Host.of("nfs1", "198.18.4.50", Role.NFS), "/srv/backup");

    assertThat(nfs.exportsFile(two)).endsWith("/srv/backup 198.18.4.0/24(rw,sync,no_subtree_check,root_squash,sec=sys)"
        + " 198.18.5.0/24(rw,sync,no_subtree_check,root_squash,sec=sys)\n");
    assertThat(nfs.firewallRules(two)).contains(
        "-A KUBESMITH-NFS -p tcp -s 198.18.4.0/24 --dport 2049",
        "-A KUBESMITH-NFS -p tcp -s 198.18.5.0/24 --dport 2049",
        "-A KUBESMITH-NFS -p tcp -m multiport --dports 111,2049,20048 -m comment --comment \"nfs, rpcbind, mountd from anywhere else\" -j DROP");
  }

  @Test
  void toStringNamesTheComponentAndSettingsOnly() {
    assertThat(BACKUP.toString()).startsWith("velero v1.18.1 {nfsHost=nfs1").doesNotContain("password");
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
