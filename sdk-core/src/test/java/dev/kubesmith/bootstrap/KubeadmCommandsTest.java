package dev.kubesmith.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.NetworkPlan;
import dev.kubesmith.spec.Role;
import dev.kubesmith.spec.Topology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * init, join and their resets run under the host's kubeadm lock, which the kubeadm process
 * inherits: a build waits for a kubeadm that outlived the operator of an earlier build.
 */
class KubeadmCommandsTest {
  private static final Host MASTER = Host.of("master1", "10.1.0.31", Role.MASTER);
  private static final Host WORKER = Host.of("worker1", "10.1.0.41", Role.WORKER);
  private static final String INIT = "kubeadm init --config /etc/kubernetes/kubeadm-config.yaml";

  @TempDir
  Path tmp;

  private static ClusterSpec spec() {
    return ClusterSpec.builder().name("locks").topology(Topology.SINGLE_MASTER).kubernetesVersion("1.34.2")
        .hosts(List.of(MASTER, WORKER))
        .network(NetworkPlan.builder().podCidr("10.0.0.0/16").serviceCidr("10.96.0.0/12").addHostNetworks("10.1.0.0/24").build())
        .build();
  }

  @Test
  void initTakesTheKubeadmLockBeforeItJudgesTheHostResetsOrRunsKubeadm() {
    String init = KubeadmCommands.init(spec(), MASTER, INIT);

    assertThat(init).startsWith("mkdir -p /run/kubesmith && exec 8>>" + KubeadmCommands.LOCK + " || exit $?\n"
        + "if ! flock -n 8; then\n");
    assertThat(init.indexOf("flock -w 600 8")).isPositive()
        .isLessThan(init.indexOf("stopped half-way in an earlier run")).isLessThan(init.indexOf("kubeadm reset -f"));
    assertThat(init).endsWith(INIT);
    // after waiting, what the earlier build's kubeadm finished is not run again
    String afterWait = init.substring(init.indexOf("flock -w 600 8"), init.indexOf("\nfi\n"));
    assertThat(afterWait).contains("get configmap kubeadm-config kubelet-config coredns kube-proxy", "exit 0");
  }

  @Test
  void joinTakesTheKubeadmLockBeforeItsCheckAndItsReset() {
    String join = KubeadmCommands.join(WORKER, false, "/etc/kubernetes/kubeadm-join.yaml");

    assertThat(join).startsWith("trap 'rm -f /etc/kubernetes/kubeadm-join.yaml' EXIT\n"
        + "mkdir -p /run/kubesmith && exec 8>>" + KubeadmCommands.LOCK + " || exit $?\n");
    assertThat(join.indexOf("flock -w 600 8")).isPositive().isLessThan(join.indexOf("if test -f /etc/kubernetes/kubelet.conf"))
        .isLessThan(join.indexOf("kubeadm reset -f"));
    assertThat(join).contains("\nkubeadm join --config /etc/kubernetes/kubeadm-join.yaml || exit $?\n");
  }

  /** Under /bin/sh, with a kubeadm of an earlier build holding the lock past the wait (shortened to 1 s here). */
  @Test
  void aWaitThatTimesOutNamesTheHostAndTheKubeadmThatHoldsTheLock() throws Exception {
    Path lock = tmp.resolve("kubeadm.lock");
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path kubeadm = Files.writeString(bin.resolve("kubeadm"), "#!/bin/sh\nexec 8>>" + lock + "\nflock 8\necho held\nwhile :; do sleep 1; done\n");
    Files.setPosixFilePermissions(kubeadm, PosixFilePermissions.fromString("rwxr-xr-x"));
    Process holder = new ProcessBuilder(kubeadm.toString(), "init", "--config", "/etc/kubernetes/kubeadm-config.yaml").start();
    try {
      assertThat(new String(holder.getInputStream().readNBytes(5), StandardCharsets.UTF_8)).isEqualTo("held\n");
      String script = KubeadmCommands.init(spec(), MASTER, "echo RAN-KUBEADM").replace(KubeadmCommands.LOCK, lock.toString())
          .replace("mkdir -p /run/kubesmith", "mkdir -p " + tmp).replace("flock -w 600 8", "flock -w 1 8");

      Process p = new ProcessBuilder("/bin/sh", "-c", script).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

      assertThat(p.exitValue()).as(err).isEqualTo(1);
      assertThat(out).doesNotContain("RAN-KUBEADM");
      assertThat(err).isEqualTo("master1: waiting (up to 600 s) for a kubeadm run of an earlier build to end before kubeadm init\n"
          + "master1: a kubeadm run from an earlier build is still running there (pid " + holder.pid() + ": /bin/sh " + kubeadm
          + " init --config /etc/kubernetes/kubeadm-config.yaml) after 600 s; wait for it to end, or stop it if it hangs (kill "
          + holder.pid() + "), then run the build again\n");
    } finally {
      holder.destroyForcibly();
      holder.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
