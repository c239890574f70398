package dev.kubesmith.backup.nfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.backup.Velero;
import dev.kubesmith.backup.minio.MinioCredentials;
import dev.kubesmith.backup.minio.MinioManifests;
import dev.kubesmith.component.PlanContext;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.exec.Journal;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.ExecResult;
import dev.kubesmith.testkit.SandboxBuild;
import dev.kubesmith.testkit.SandboxExtension;
import dev.kubesmith.testkit.SandboxHost;
import dev.kubesmith.upstream.UpstreamMirror;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tier 3: the NFS host prepared over SSH through the bastion. The export file is read by the real
 * {@code exportfs}; this kernel has no NFS server, so a plain TCP listener on 2049 stands in for nfsd
 * while the real iptables rules decide who reaches it: a cluster host yes, a host on the public bridge no.
 */
class NfsServerSandboxTest {
  @RegisterExtension
  static final SandboxExtension SANDBOX = SandboxExtension.of(dev.kubesmith.testkit.Sandbox.builder()
      .host("bastion", "198.18.4.10", Role.BASTION)
      .host("master1", "198.18.4.31", Role.MASTER)
      .host("nfs1", "198.18.4.50", "198.18.100.50", Role.NFS)
      .host("outsider", "198.18.4.60", "198.18.100.60", Role.WORKER));

  static SandboxBuild build;
  static Plan plan;

  @BeforeAll
  static void prepareNfsHost() {
    build = SandboxBuild.on(SANDBOX.sandbox(), "master1", "nfs1");
    PlanBuilder b = new PlanBuilder();
    Velero.minioOnNfs("nfs1", "/srv/backup").withoutEtcdSnapshots()
        .contribute(new PlanContext(build.spec(), UpstreamMirror.fromEnvironment(), b));
    List<Step> nfsSteps = b.steps().stream().filter(s -> s.host().filter("nfs1"::equals).isPresent()).toList();
    PlanBuilder only = new PlanBuilder();
    nfsSteps.forEach(only::add);
    plan = only.build(build.spec());
    BuildResult r = build.run(plan, Journal.inMemory());
    assertThat(r.ran()).containsExactly("nfs-server@nfs1", "minio-credentials@nfs1");
    // nfsd cannot run in this kernel: listeners stand in for it (2049) and for any other service (8080)
    SandboxHost nfs = SANDBOX.host("nfs1");
    nfs.exec("setsid", "-f", "socat", "TCP-LISTEN:2049,fork,reuseaddr", "SYSTEM:echo nfs").requireSuccess();
    nfs.exec("setsid", "-f", "socat", "TCP-LISTEN:8080,fork,reuseaddr", "SYSTEM:echo web").requireSuccess();
  }

  @Test
  void realExportfsAcceptsTheExportWithTheSafeOptions() {
    ExecResult v = SANDBOX.host("nfs1").exec("exportfs", "-v").requireSuccess();

    assertThat(v.stdout()).contains("/srv/backup").contains("198.18.4.0/24(")
        .contains("sync").contains("root_squash").contains("no_subtree_check").contains("rw").contains("sec=sys");
    assertThat(SANDBOX.host("nfs1").readFile("/var/lib/nfs/etab")).contains("/srv/backup\t198.18.4.0/24(rw,sync,");
  }

  @Test
  void exportDirectoriesBelongToMinioAndToWhatRootBecomesUnderRootSquash() {
    String stat = SANDBOX.host("nfs1").exec("stat", "-c", "%n %u:%g %a", "/srv/backup/minio", "/srv/backup/etcd")
        .requireSuccess().stdout();

    assertThat(stat).contains("/srv/backup/minio 1000:1000 700", "/srv/backup/etcd 65534:65534 700");
  }

  @Test
  void serverInstalledAndEnabledThroughThePackageManagerAndSystemd() {
    SandboxHost nfs = SANDBOX.host("nfs1");

    assertThat(nfs.calls("systemctl")).anyMatch(c -> c.toString().contains("enable --now nfs-server"));
    assertThat(nfs.calls("systemctl")).anyMatch(c -> c.toString().contains("kubesmith-nfs-firewall.service"));
    assertThat(nfs.readFile(NfsServer.NFS_CONF_FILE)).contains("vers3=n");
  }

  @Test
  void nfsPortIsReachableFromAClusterHost() {
    assertThat(probe(SANDBOX.host("master1"), "198.18.4.50", 2049)).isEqualTo(0);
  }

  @Test
  void nfsPortIsDroppedFromThePublicSideWhileOtherPortsAnswer() {
    SandboxHost outsider = SANDBOX.host("outsider");

    assertThat(probe(outsider, "198.18.100.50", 8080)).as("control: the public path works").isEqualTo(0);
    assertThat(probe(outsider, "198.18.100.50", 2049)).as("nfs from the public bridge").isEqualTo(124);
    assertThat(SANDBOX.host("nfs1").exec("iptables", "-S", NfsServer.CHAIN).stdout())
        .contains("-A KUBESMITH-NFS -s 198.18.4.0/24 -p tcp -m tcp --dport 2049");
  }

  @Test
  void runningAgainKeepsOneJumpAndTheSameRulesAndTheSamePassword() {
    SandboxHost nfs = SANDBOX.host("nfs1");
    String rules = nfs.exec("iptables", "-S").stdout();
    String password = nfs.readFile(MinioCredentials.PASSWORD_FILE);

    build.run(plan, Journal.inMemory());

    assertThat(nfs.exec("iptables", "-S").stdout()).isEqualTo(rules);
    assertThat(rules.lines().filter(l -> l.equals("-A INPUT -j KUBESMITH-NFS"))).hasSize(1);
    assertThat(nfs.readFile(MinioCredentials.PASSWORD_FILE)).isEqualTo(password);
    assertThat(password).matches("[0-9a-f]{48}");
    assertThat(nfs.exec("stat", "-c", "%a", MinioCredentials.PASSWORD_FILE).stdout().trim()).isEqualTo("600");
  }

  @Test
  void theGeneratedPasswordNeverReachesTheLog() throws Exception {
    String password = SANDBOX.host("nfs1").readFile(MinioCredentials.PASSWORD_FILE).trim();
    Path log = Path.of(System.getProperty("kubesmith.test.log"));

    assertThat(Files.readString(log)).contains("cat " + MinioCredentials.PASSWORD_FILE).doesNotContain(password);
    assertThat(MinioManifests.PASSWORD_SECRET).isEqualTo("minio-root-password");
  }

  /** 0 when a TCP connection opens within 3 s, 124 when it times out (dropped), another code when refused. */
  static int probe(SandboxHost from, String ip, int port) {
    return from.exec("timeout", "3", "bash", "-c", "exec 3<>/dev/tcp/" + ip + "/" + port).exitCode();
  }
}
