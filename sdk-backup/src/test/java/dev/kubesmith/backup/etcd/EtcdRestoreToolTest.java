package dev.kubesmith.backup.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore script's choice of tool, run here on its own: the manifest under a temporary directory,
 * this machine's real etcdctl 3.4 (Debian's etcd-client) on the PATH, no etcdutl, and containerd's ctr
 * as a stand-in that follows ctr's command line (ctr-standin.sh) where the test puts one.
 */
class EtcdRestoreToolTest {
  @TempDir Path dir;
  Path manifests;
  Path bin;
  Path ctr;

  @BeforeEach
  void layout() throws IOException {
    manifests = Files.createDirectories(dir.resolve("manifests"));
    bin = Files.createDirectories(dir.resolve("bin"));
    ctr = Files.createDirectories(dir.resolve("ctr"));
    Files.writeString(dir.resolve("etcd-restore.sh"), Scripts.read("etcd-restore.sh"));
  }

  @Test
  void usesTheHostsEtcdctlWhenTheClusterRunsTheSameMinorVersion() throws Exception {
    manifest("registry.k8s.io/etcd:3.4.23-0");

    Result r = script("tool");

    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output().lines().toList()).containsExactly("etcdctl 3.4.23 on the host", "env", "ETCDCTL_API=3", "etcdctl");
  }

  @Test
  void usesEtcdutlOfTheClustersOwnImageThroughContainerdWhenTheHostHasNoMatchingTool() throws Exception {
    manifest("registry.k8s.io/etcd:3.6.4-0");
    withCtr("registry.k8s.io/etcd:3.6.4-0");

    Result r = script("tool", "/var/lib/kubesmith/etcd-offsite/s.db", "/var/lib/etcd-restored-s");

    assertThat(r.exit()).as(r.output()).isZero();
    List<String> lines = r.output().lines().toList();
    assertThat(lines.get(0)).isEqualTo("etcdutl of registry.k8s.io/etcd:3.6.4-0 through containerd");
    assertThat(lines.subList(1, lines.size())).startsWith("ctr", "-n", "k8s.io", "run", "--rm", "--env", "ETCDCTL_API=3",
        "--mount=type=bind,src=/var/lib/kubesmith/etcd-offsite/s.db,dst=/var/lib/kubesmith/etcd-offsite/s.db,options=rbind:ro",
        "--mount=type=bind,src=/var/lib/etcd-restored-s.part,dst=/var/lib/etcd-restored-s.part,options=rbind:rw",
        "registry.k8s.io/etcd:3.6.4-0")
        .endsWith("/usr/local/bin/etcdutl");
  }

  @Test
  void checkReadsTheSnapshotWithTheClustersImageAndReportsBothVersions() throws Exception {
    manifest("registry.k8s.io/etcd:3.6.4-0");
    withCtr("registry.k8s.io/etcd:3.6.4-0");
    Path snapshot = Files.writeString(dir.resolve("s.db"), "bytes ctr's stand-in does not read");

    Result r = script("check", snapshot.toString(), dir.resolve("restored").toString());

    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("cluster etcd 3.6.4, snapshot 3.6.0, tool: etcdutl of registry.k8s.io/etcd:3.6.4-0 through containerd");
    assertThat(Files.readString(ctr.resolve("calls"))).contains("registry.k8s.io/etcd:3.6.4-0 kubesmith-etcd-restore-")
        .contains("/usr/local/bin/etcdutl snapshot status " + snapshot + " -w json");
  }

  @Test
  void refusesANewerClusterWhenOnlyDebiansEtcdctlIsHereAndNamesTheVersionsAndTheFix() throws Exception {
    manifest("registry.k8s.io/etcd:3.6.4-0");
    withCtr("registry.k8s.io/pause:3.10"); // containerd is there, the cluster's etcd image is not

    Result r = script("check", "/none.db", dir.resolve("restored").toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.output()).contains("the cluster runs etcd 3.6.4 (registry.k8s.io/etcd:3.6.4-0) and no matching tool is here",
        "the host has no etcdutl", "registry.k8s.io/etcd:3.6.4-0 is not in containerd's k8s.io namespace",
        "install etcdutl 3.6.x", "ctr -n k8s.io images pull registry.k8s.io/etcd:3.6.4-0", "Nothing was stopped");
    assertThat(Files.exists(ctr.resolve("calls"))).as("nothing run through ctr").isFalse();
  }

  @Test
  void refusesASnapshotFromANewerEtcdThanTheCluster() throws Exception {
    manifest("registry.k8s.io/etcd:3.5.21-0");
    withCtr("registry.k8s.io/etcd:3.5.21-0");
    Files.writeString(ctr.resolve("snapshot-version"), "3.6.0");
    Path snapshot = Files.writeString(dir.resolve("s.db"), "x");

    Result r = script("check", snapshot.toString(), dir.resolve("restored").toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.output()).contains("snapshot " + snapshot + " is from etcd 3.6.0, newer than the cluster's etcd 3.5.21");
  }

  @Test
  void refusesAManifestWhoseImageNamesNoEtcdVersionNamingTheFile() throws Exception {
    manifest("my-registry/etcd:latest");

    Result r = script("check", "/none.db", dir.resolve("restored").toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.output()).contains("cannot read the etcd version from the image of " + manifests.resolve("etcd.yaml"),
        "found 'my-registry/etcd:latest'", "fix the image line of that file");
  }

  @Test
  void ctrStandInRefusesWhatCtrRefuses() throws Exception {
    withCtr("registry.k8s.io/etcd:3.6.4-0");

    assertThat(run(bin.resolve("ctr").toString(), "-n", "k8s.io", "run", "--rm", "registry.k8s.io/etcd:3.5.0-0", "x", "true").output())
        .contains("image \"registry.k8s.io/etcd:3.5.0-0\": not found");
    assertThat(run(bin.resolve("ctr").toString(), "-n", "k8s.io", "run", "--mount=type=bind,from=/a,dst=/a", "registry.k8s.io/etcd:3.6.4-0", "x").output())
        .contains("mount option \"from\" not supported");
    assertThat(run(bin.resolve("ctr").toString(), "-n", "k8s.io", "run", "registry.k8s.io/etcd:3.6.4-0").output()).contains("container id must be provided");
    assertThat(run(bin.resolve("ctr").toString(), "run", "--rm", "registry.k8s.io/etcd:3.6.4-0", "x").output()).as("other namespace").contains("not found");
  }

  void manifest(String image) throws IOException {
    Files.writeString(manifests.resolve("etcd.yaml"), "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - command:\n    - etcd\n"
        + "    - --data-dir=/var/lib/etcd\n    image: " + image + "\n    name: etcd\n");
  }

  void withCtr(String... images) throws IOException {
    Path standin = bin.resolve("ctr");
    Files.writeString(standin, EtcdMember.resource("ctr-standin.sh"));
    standin.toFile().setExecutable(true);
    Files.write(ctr.resolve("images.k8s.io"), List.of(images));
  }

  Result script(String... args) throws Exception {
    String[] argv = new String[args.length + 2];
    argv[0] = "bash";
    argv[1] = dir.resolve("etcd-restore.sh").toString();
    System.arraycopy(args, 0, argv, 2, args.length);
    return run(argv);
  }

  Result run(String... argv) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("PATH", bin + ":/usr/sbin:/usr/bin:/sbin:/bin");
    pb.environment().put("KUBESMITH_MANIFESTS", manifests.toString());
    pb.environment().put("KUBESMITH_STOPPED_MANIFESTS", dir.resolve("stopped").toString());
    pb.environment().put("CTR_STANDIN_DIR", ctr.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  record Result(int exit, String output) {}
}
