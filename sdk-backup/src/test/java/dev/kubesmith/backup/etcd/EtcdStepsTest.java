package dev.kubesmith.backup.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.backup.nfs.NfsServer;
import dev.kubesmith.backup.testing.Clusters;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdStepsTest {
  static final String SNAPSHOT = "/var/lib/kubesmith/etcd-offsite/etcd-master1-20261126T020000Z.db";

  @Test
  void restoreChecksEveryMasterBeforeStoppingAnyAndStartsOnlyWhenAllAreRestored() {
    ClusterSpec ha = Clusters.ha();
    Plan plan = EtcdRestore.from(SNAPSHOT).plan(ha);
    List<String> masters = List.of("master1", "master2", "master3");

    for (String m : masters) {
      assertThat(plan.requireStep("etcd-restore-check@" + m).dependsOn()).isEmpty();
      assertThat(plan.requireStep("etcd-restore-stop@" + m).dependsOn())
          .containsExactlyInAnyOrderElementsOf(masters.stream().map(x -> "etcd-restore-check@" + x).toList());
      assertThat(plan.requireStep("etcd-restore-data@" + m).dependsOn())
          .containsExactlyInAnyOrderElementsOf(masters.stream().map(x -> "etcd-restore-stop@" + x).toList());
      assertThat(plan.requireStep("etcd-restore-start@" + m).dependsOn())
          .containsExactlyInAnyOrderElementsOf(masters.stream().map(x -> "etcd-restore-data@" + x).toList());
    }
    assertThat(plan.steps()).hasSize(12).noneMatch(s -> s.host().filter(h -> h.startsWith("worker")).isPresent());
  }

  @Test
  void everyMemberRestoresFromTheSameSnapshotWithItsOwnNameAndPeerUrl() {
    Plan plan = EtcdRestore.from(SNAPSHOT).plan(Clusters.ha());

    assertThat(plan.requireStep("etcd-restore-data@master2").commands()).containsExactly(EtcdRestore.SCRIPT + " restore "
        + SNAPSHOT + " /var/lib/etcd-restored-etcd-master1-20261126T020000Z master2 master1=https://198.18.4.31:2380,"
        + "master2=https://198.18.4.32:2380,master3=https://198.18.4.33:2380 https://198.18.4.32:2380"
        + " kubesmith-restore-etcd-restored-etcd-master1-20261126T020000Z");
    assertThat(plan.requireStep("etcd-restore-check@master3").files()).singleElement()
        .satisfies(f -> assertThat(f.path()).isEqualTo(EtcdRestore.SCRIPT));
  }

  @Test
  void rejectsSnapshotPathsAndDataDirsThatAreNotSafeAbsolutePaths() {
    assertThatThrownBy(() -> EtcdRestore.from("snap.db")).hasMessageContaining("must be an absolute path of a .db file");
    assertThatThrownBy(() -> EtcdRestore.from("/tmp/$(reboot).db")).hasMessageContaining("must be an absolute path");
    assertThatThrownBy(() -> EtcdRestore.from("/a/../etc/shadow.db")).hasMessageContaining("must be an absolute path");
    assertThatThrownBy(() -> EtcdRestore.from(SNAPSHOT).dataDir("/var/lib/etcd"))
        .hasMessageContaining("must be a new absolute path (not the live /var/lib/etcd)");
    ClusterSpec noMasters = ClusterSpec.builder().from(Clusters.singleMaster())
        .hosts(List.of(Host.of("nfs1", "198.18.4.50", Role.NFS))).build();
    assertThatThrownBy(() -> EtcdRestore.from(SNAPSHOT).steps(noMasters)).hasMessageContaining("the spec has no master");
  }

  @Test
  void snapshotStepUsesKubeadmsCertificatesAndTheNfsExport() {
    NfsServer nfs = NfsServer.on(Host.of("nfs1", "198.18.4.50", Role.NFS), "/srv/backup");
    Step step = EtcdSnapshots.every("daily").keep(3).step(Host.of("master1", "198.18.4.31", Role.MASTER), Optional.of(nfs));

    assertThat(step.files()).anySatisfy(f -> {
      assertThat(f.path()).isEqualTo(EtcdSnapshots.ENV_FILE);
      assertThat(f.content()).contains("CACERT=/etc/kubernetes/pki/etcd/ca.crt",
          "CERT=/etc/kubernetes/pki/etcd/healthcheck-client.crt", "KEY=/etc/kubernetes/pki/etcd/healthcheck-client.key",
          "ENDPOINT=https://127.0.0.1:2379", "NFS_SOURCE=198.18.4.50:/srv/backup/etcd", "KEEP=3");
      assertThat(f.mode()).isEqualTo(0600);
    });
    assertThat(step.files()).anySatisfy(f -> assertThat(f.content()).contains("OnCalendar=daily", "Persistent=true"));
    assertThat(step.commands()).last().isEqualTo(EtcdSnapshots.SCRIPT);
    assertThat(step.dependsOn()).containsExactly("nfs-server@nfs1");
  }

  @Test
  void shellcheckAcceptsEveryScriptTheModuleWrites(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("etcd-snapshot.sh"), EtcdSnapshots.script());
    Files.writeString(dir.resolve("etcd-restore.sh"), Scripts.read("etcd-restore.sh"));
    Files.writeString(dir.resolve("nfs-firewall.sh"), NfsServer.firewallScript());

    Result r = run(dir, "shellcheck", "-S", "style", "etcd-snapshot.sh", "etcd-restore.sh", "nfs-firewall.sh");

    assertThat(r.output()).isEmpty();
    assertThat(r.exit()).isZero();
  }

  @Test
  void systemdReadsTheDefaultAndExampleCalendars(@TempDir Path dir) throws Exception {
    for (String calendar : List.of(EtcdSnapshots.DEFAULT_CALENDAR, "daily", "hourly", "*-*-* 02:00:00")) {
      Result r = run(dir, "systemd-analyze", "calendar", EtcdSnapshots.every(calendar).calendar());
      assertThat(r.exit()).as(calendar + ": " + r.output()).isZero();
    }
  }

  @Test
  void iptablesRestoreAcceptsTheNfsRules(@TempDir Path dir) throws Exception {
    ClusterSpec spec = Clusters.ha();
    Files.writeString(dir.resolve("rules"), NfsServer.on(spec.requireHost("nfs1"), "/srv/backup").firewallRules(spec));

    // --test parses and checks against the kernel without committing anything, in a throwaway network namespace
    Result r = run(dir, "unshare", "--net", "sh", "-c", "iptables-restore --test --noflush < rules");

    assertThat(r.exit()).as(r.output()).isZero();
  }

  @Test
  void snapshotNowIsAOneOffStepThatAlwaysRunsTheInstalledScriptAndCapturesItsPath() {
    Host master = Clusters.ha().requireHost("master2");

    Step now = EtcdSnapshots.now(master);

    assertThat(now.id()).isEqualTo("etcd-snapshot-now@master2");
    assertThat(now.host()).hasValue("master2");
    assertThat(now.check()).isEmpty();
    assertThat(now.files()).isEmpty();
    assertThat(now.dependsOn()).isEmpty();
    assertThat(now.commands()).last().asString().contains(EtcdSnapshots.SCRIPT + " > " + EtcdSnapshots.LAST_ON_DEMAND);
    assertThat(now.captures()).containsEntry(EtcdSnapshots.NOW_CAPTURE, "tail -n 1 " + EtcdSnapshots.LAST_ON_DEMAND);
  }

  @Test
  void snapshotNowWithoutTheScriptFailsNamingTheMasterAndTheFix(@TempDir Path dir) throws Exception {
    String guard = EtcdSnapshots.now(Clusters.ha().requireHost("master1")).commands().get(0);

    // an empty /usr/local/lib in a private mount namespace, so the script is surely absent
    Result r = run(dir, "unshare", "--mount", "sh", "-c", "mount -t tmpfs tmpfs /usr/local/lib && " + guard);

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.output().strip()).isEqualTo(
        "the etcd snapshot script is not installed on master1: apply with --backup velero first");
  }

  record Result(int exit, String output) {}

  static Result run(Path dir, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }
}
