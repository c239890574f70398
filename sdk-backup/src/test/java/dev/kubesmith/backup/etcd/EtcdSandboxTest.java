package dev.kubesmith.backup.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.backup.Velero;
import dev.kubesmith.component.PlanContext;
import dev.kubesmith.exec.BuildFailedException;
import dev.kubesmith.exec.Journal;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.ExecResult;
import dev.kubesmith.testkit.Sandbox;
import dev.kubesmith.testkit.SandboxBuild;
import dev.kubesmith.testkit.SandboxExtension;
import dev.kubesmith.testkit.SandboxHost;
import dev.kubesmith.upstream.UpstreamMirror;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tier 3, etcd for real: Debian's etcd (3.4) with TLS on kubeadm's certificate paths runs on a sandbox
 * master, started and stopped by a stand-in for the kubelet that follows
 * /etc/kubernetes/manifests/etcd.yaml (and its etcd-data hostPath). The SDK's steps take a snapshot,
 * check it and copy it to the NFS host's export; the data is wiped; the SDK's restore steps bring the
 * keys back. This kernel has neither NFS client nor server, so the master's offsite directory is a bind
 * mount of nfs1's export directory instead of an NFS mount: the files really land on nfs1.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdSandboxTest {
  static final String IP = "198.18.4.31";

  @RegisterExtension
  static final SandboxExtension SANDBOX = SandboxExtension.of(Sandbox.builder()
      .host("bastion", "198.18.4.10", Role.BASTION)
      .host("master1", IP, Role.MASTER)
      .host("nfs1", "198.18.4.50", Role.NFS));

  static SandboxBuild build;
  static List<Step> steps;
  static String snapshot;
  static Path shared;
  static EtcdMember etcd;

  @BeforeAll
  static void startEtcdAndPrepareTheNfsHost() {
    build = SandboxBuild.on(SANDBOX.sandbox(), "master1", "nfs1");
    PlanBuilder b = new PlanBuilder();
    Velero.minioOnNfs("nfs1", "/srv/backup").etcdSnapshots(EtcdSnapshots.defaults().keep(2))
        .contribute(new PlanContext(build.spec(), UpstreamMirror.fromEnvironment(), b));
    steps = b.steps();
    build.run(step("nfs-server@nfs1"));

    etcd = new EtcdMember(master()).start("master1=https://" + IP + ":2380", null);
    etcd.awaitHealthy(true);

    // the NFS mount the snapshot script would make: one directory of this machine bound over nfs1's
    // export directory and onto the master's offsite directory (mount namespaces cannot bind each other's paths)
    try {
      shared = Files.createTempDirectory(Path.of("/mnt"), "ks-backup-etcd-");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    new EtcdMember(SANDBOX.host("nfs1")).bind(shared, "/srv/backup/etcd");
    etcd.bind(shared, EtcdSnapshots.OFFSITE_DIR);
  }

  @Test
  @Order(1)
  void snapshotStepSavesVerifiesAndCopiesTheSnapshotToTheNfsHost() {
    etcd.put("/registry/namespaces/test", "before");
    etcd.put("/registry/configmaps/test/app", "v1");

    build.run(step("etcd-snapshots@master1"));

    List<String> offsite = lines(SANDBOX.host("nfs1").exec("ls", "/srv/backup/etcd").requireSuccess().stdout());
    assertThat(offsite).hasSize(1).allMatch(f -> f.matches("etcd-master1-\\d{8}T\\d{6}Z\\.db"));
    snapshot = EtcdSnapshots.OFFSITE_DIR + "/" + offsite.get(0);
    assertThat(master().exec("ls", EtcdSnapshots.SNAPSHOT_DIR).stdout().trim()).isEqualTo(offsite.get(0));
    ExecResult status = master().exec("etcdctl", "snapshot", "status", snapshot, "-w", "json").requireSuccess();
    assertThat(status.stdout()).contains("\"totalKey\"");
    assertThat(master().calls("systemctl")).anyMatch(c -> c.toString().contains("enable --now kubesmith-etcd-snapshot.timer"));
    assertThat(master().readFile(EtcdSnapshots.TIMER)).contains("OnCalendar=" + EtcdSnapshots.DEFAULT_CALENDAR);
  }

  @Test
  @Order(2)
  void keepsOnlyTheNewestSnapshotsHereAndOnTheNfsHost() {
    for (String old : List.of("20200101T000000Z", "20200102T000000Z", "20200103T000000Z")) {
      master().exec("cp", snapshot, EtcdSnapshots.OFFSITE_DIR + "/etcd-master1-" + old + ".db").requireSuccess();
      master().exec("cp", snapshot, EtcdSnapshots.SNAPSHOT_DIR + "/etcd-master1-" + old + ".db").requireSuccess();
    }

    awaitNextSecond(snapshot);
    String copy = master().exec(EtcdSnapshots.SCRIPT).requireSuccess().stdout().trim();

    List<String> offsite = lines(SANDBOX.host("nfs1").exec("ls", "/srv/backup/etcd").stdout());
    String first = snapshot.substring(snapshot.lastIndexOf('/') + 1);
    String latest = copy.substring(copy.lastIndexOf('/') + 1);
    assertThat(latest).isNotEqualTo(first);
    // keep(2): the two newest by the time in their names; the three older ones are gone from both places
    assertThat(offsite).containsExactlyInAnyOrder(first, latest);
    assertThat(lines(master().exec("ls", EtcdSnapshots.SNAPSHOT_DIR).stdout())).containsExactlyInAnyOrder(first, latest);
  }

  @Test
  @Order(3)
  void restoreRefusesAMissingOrDamagedSnapshotAndAnExistingTargetWithoutStoppingAnything() {
    master().writeFile("/var/lib/kubesmith/garbage.db", "not a snapshot\n");
    master().exec("mkdir", "-p", "/var/lib/etcd-restored-taken").requireSuccess();

    assertThatThrownBy(() -> restore(EtcdRestore.from("/var/lib/kubesmith/none.db")))
        .isInstanceOf(BuildFailedException.class)
        .hasMessageContaining("snapshot /var/lib/kubesmith/none.db does not exist here");
    assertThatThrownBy(() -> restore(EtcdRestore.from("/var/lib/kubesmith/garbage.db")))
        .hasMessageContaining("fails 'snapshot status' (etcdctl 3.4.23 on the host): damaged or not an etcd snapshot; choose another");
    assertThatThrownBy(() -> restore(EtcdRestore.from(snapshot).dataDir("/var/lib/etcd-restored-taken")))
        .hasMessageContaining("the target data dir /var/lib/etcd-restored-taken exists");
    assertThat(master().exec("test", "-f", "/etc/kubernetes/manifests/etcd.yaml").exitCode()).isZero();
    assertThat(etcd.get("/registry/configmaps/test/app")).isEqualTo("v1");
  }

  @Test
  @Order(4)
  void restoreRefusesANewerClusterEtcdWhenOnlyDebiansEtcdctlIsHereBeforeMovingAnyManifest() {
    // the cluster says etcd 3.6 (kubeadm 1.34); this master has Debian's etcdctl 3.4, no etcdutl, no ctr
    String manifest = master().readFile("/etc/kubernetes/manifests/etcd.yaml");
    master().writeFile("/etc/kubernetes/manifests/etcd.yaml",
        manifest.replace("image: registry.k8s.io/etcd:3.4.23-0", "image: registry.k8s.io/etcd:3.6.4-0"));
    try {
      assertThat(master().exec("sh", "-c", "command -v ctr etcdutl").stdout()).isEmpty();

      assertThatThrownBy(() -> restore(EtcdRestore.from(snapshot)))
          .isInstanceOf(BuildFailedException.class)
          .hasMessageContaining("the cluster runs etcd 3.6.4 (registry.k8s.io/etcd:3.6.4-0) and no matching tool is here: "
              + "the host has no etcdutl")
          .hasMessageContaining("install etcdutl 3.6.x")
          .hasMessageContaining("ctr -n k8s.io images pull registry.k8s.io/etcd:3.6.4-0")
          .hasMessageContaining("Nothing was stopped");
      assertThat(master().exec("test", "-f", "/etc/kubernetes/manifests/kube-apiserver.yaml").exitCode()).isZero();
      assertThat(master().exec("test", "-e", "/etc/kubernetes/manifests-stopped-by-kubesmith/etcd.yaml").exitCode()).isNotZero();
      assertThat(master().exec("test", "-e", "/var/lib/etcd-restored-" + snapshot.replaceAll(".*/(.*)\\.db", "$1")).exitCode())
          .isNotZero();
    } finally {
      master().writeFile("/etc/kubernetes/manifests/etcd.yaml", manifest);
    }
    etcd.awaitHealthy(true);
    assertThat(etcd.get("/registry/configmaps/test/app")).isEqualTo("v1");
  }

  @Test
  @Order(5)
  void restoreBringsBackTheKeysOfTheSnapshotAfterTheDataWasWiped() {
    etcd.put("/registry/configmaps/test/later", "after-the-snapshot");
    // the disaster: etcd's data gone; the kubelet starts an empty etcd
    master().exec("mv", "/etc/kubernetes/manifests/etcd.yaml", "/root/etcd.yaml").requireSuccess();
    etcd.awaitHealthy(false);
    master().exec("rm", "-rf", "/var/lib/etcd").requireSuccess();
    master().exec("mv", "/root/etcd.yaml", "/etc/kubernetes/manifests/etcd.yaml").requireSuccess();
    etcd.awaitHealthy(true);
    assertThat(etcd.get("/registry/configmaps/test/app")).isEmpty();

    // Debian's etcdctl, recorded on its way: the cluster's manifest says 3.4.23, the host tool matches
    master().writeFile("/usr/local/bin/etcdctl", "#!/bin/sh\necho \"$*\" >> /root/etcdctl.calls\nexec /usr/bin/etcdctl \"$@\"\n");
    master().exec("chmod", "0755", "/usr/local/bin/etcdctl").requireSuccess();
    EtcdRestore restore = EtcdRestore.from(snapshot);
    Instant start = Instant.now();
    try {
      restore(restore);
    } finally {
      master().exec("rm", "-f", "/usr/local/bin/etcdctl");
    }
    System.out.println("etcd restore through the SDK took " + Duration.between(start, Instant.now()).toMillis() + " ms");

    assertThat(etcd.get("/registry/namespaces/test")).isEqualTo("before");
    assertThat(etcd.get("/registry/configmaps/test/app")).isEqualTo("v1");
    assertThat(etcd.get("/registry/configmaps/test/later")).as("written after the snapshot").isEmpty();
    assertThat(master().readFile("/etc/kubernetes/manifests/etcd.yaml"))
        .contains("      path: " + restore.dataDir() + "\n", "--data-dir=/var/lib/etcd\n", "mountPath: /var/lib/etcd\n");
    assertThat(master().exec("test", "-f", "/etc/kubernetes/manifests/kube-apiserver.yaml").exitCode()).isZero();
    assertThat(master().exec("stat", "-c", "%a", restore.dataDir()).stdout().trim()).isEqualTo("700");
    assertThat(master().readFile("/root/etcdctl.calls").lines())
        .contains("version", "snapshot status " + snapshot + " -w json")
        .anyMatch(l -> l.startsWith("snapshot restore " + snapshot + " --name master1 "));
  }

  @Test
  @Order(6)
  void snapshotScriptUsesEtcdutlWhenTheHostHasItWhileTheRestoreOfA34ClusterKeepsToEtcdctl() {
    // etcd 3.4 has no etcdutl; a recording shim with etcdutl's command line (same flags) stands in for 3.5+
    master().writeFile("/usr/local/bin/etcdutl", "#!/bin/sh\necho \"$*\" >> /root/etcdutl.calls\n"
        + "ETCDCTL_API=3 exec etcdctl \"$@\"\n");
    master().exec("chmod", "0755", "/usr/local/bin/etcdutl").requireSuccess();
    try {
      String copy = master().exec(EtcdSnapshots.SCRIPT).requireSuccess().stdout().trim();
      master().exec(EtcdRestore.SCRIPT, "check", copy, "/var/lib/etcd-not-there").requireSuccess();

      // the snapshot script checks its snapshot with etcdutl; the restore of this 3.4 cluster keeps to its etcdctl 3.4
      assertThat(master().readFile("/root/etcdutl.calls").lines()).hasSize(2).allMatch(l -> l.startsWith("snapshot status "));
    } finally {
      master().exec("rm", "-f", "/usr/local/bin/etcdutl");
    }
  }

  @AfterAll
  static void removeSharedDirectory() throws IOException {
    if (shared != null) {
      SANDBOX.sandbox().close(); // unmounts by ending the hosts' mount namespaces first
      try (var files = Files.walk(shared)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }



  static void restore(EtcdRestore restore) {
    build.run(restore.plan(build.spec()), Journal.inMemory());
  }

  static SandboxHost master() {
    return SANDBOX.host("master1");
  }

  /** A step of the backup plan, run on its own: its dependencies are run first by the test. */
  static Step step(String id) {
    Step s = steps.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
    return Step.builder().from(s).dependsOn(List.of()).afterPhases(java.util.Set.of()).build();
  }









  /** Snapshot names carry the second they were taken: wait until the clock has passed that of {@code path}. */
  static void awaitNextSecond(String path) {
    String stamp = path.replaceAll(".*-(\\d{8}T\\d{6}Z)\\.db$", "$1");
    Instant taken = java.time.LocalDateTime.parse(stamp, java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
        .toInstant(java.time.ZoneOffset.UTC);
    while (!Instant.now().isAfter(taken.plusSeconds(1))) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static List<String> lines(String text) {
    return text.lines().filter(l -> !l.isBlank()).toList();
  }


}
