package dev.kubesmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.bootstrap.Bootstrap;
import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.internal.DebianMachine;
import dev.kubesmith.testkit.internal.PointToPoint;
import dev.kubesmith.testkit.internal.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: the SDK's own SSH, executor and facts on a real Debian 12 machine, as the cloud image's
 * sudo user {@code ops}: the facts it reads are the machine's, commands run as root through sudo,
 * and a sudo that wants a password fails with a message naming the host, the step and the fix.
 */
class RealHostSshTest {
  private static final String NETNS = "ks-rs-" + ProcessHandle.current().pid();
  private static final String OUTSIDE = "ks-rso" + ProcessHandle.current().pid() % 100000;
  private static final String OPERATOR_IP = "198.18.252.13";
  private static final String HOST_IP = "198.18.252.14";

  @TempDir
  static Path tmp;
  static PointToPoint link;
  static Path key;

  @BeforeAll
  static void network() {
    link = PointToPoint.create(NETNS, OUTSIDE, OPERATOR_IP, HOST_IP);
    key = tmp.resolve("id_ed25519");
    Proc.check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "operator", "-f", key.toString());
  }

  @AfterAll
  static void removeNetwork() {
    if (link != null) {
      link.close();
    }
  }

  private static DebianMachine boot(String dir) throws Exception {
    return DebianMachine.boot("deb1", NETNS, tmp.resolve(dir), Files.readString(tmp.resolve("id_ed25519.pub")));
  }

  private static Cluster cluster(DebianMachine m, String dir) throws Exception {
    Path known = Files.writeString(tmp.resolve(dir + "-known_hosts"), HOST_IP + " " + m.hostKey() + "\n");
    return Cluster.singleMaster().name("real").inventory(Inventory.of(java.util.List.of(Host.of("deb1", HOST_IP, Role.MASTER))))
        .ssh(Ssh.user(DebianMachine.OPS).privateKey(key).knownHosts(known)).build();
  }

  private static Plan plan(Cluster cluster) {
    Host host = cluster.spec().requireHost("deb1");
    return new PlanBuilder()
        .add(Bootstrap.facts(host))
        .add(Step.builder().id("report@deb1").phase(Phase.PREPARE_HOSTS).host("deb1").description("report")
            .addDependsOn(dev.kubesmith.plan.Facts.stepId("deb1"))
            .addFiles(FileArtifact.of("/root/facts", "{{fact:deb1:os-id}} {{fact:deb1:os-version-id}} {{fact:deb1:init}}"
                + " {{fact:deb1:private-interface}}\n", 0600))
            .addCommands("id -u > /root/uid").build())
        .build(cluster.spec());
  }

  @Test
  void theSdkReadsTheRealHostsFactsAndRunsAsRootThroughSudo() throws Exception {
    try (DebianMachine m = boot("facts")) {
      Cluster cluster = cluster(m, "facts");

      BuildResult r = cluster.run(plan(cluster), ApplyOptions.defaults().stateDirectory(tmp.resolve("state-facts")));

      assertThat(r.ran()).contains("facts@deb1", "report@deb1");
      assertThat(m.exec("cat", "/root/facts").stdout()).isEqualTo("debian 12 systemd eth0\n");
      assertThat(m.exec("cat", "/root/uid").stdout().strip()).as("commands ran as root").isEqualTo("0");
      assertThat(m.exec("stat", "-c", "%U %a", "/root/facts").stdout().strip()).isEqualTo("root 600");
    }
  }

  @Test
  void aSudoThatWantsAPasswordFailsNamingTheHostAndTheFixBeforeAnythingRuns() throws Exception {
    try (DebianMachine m = boot("password")) {
      // as on an image whose user must type a password for sudo
      m.exec("sh", "-c", "echo 'ops ALL=(ALL) ALL' > /etc/sudoers.d/ops").requireSuccess();
      Cluster cluster = cluster(m, "password");

      // the first command through sudo is the cluster lock's, before any step
      assertThatThrownBy(() -> cluster.run(plan(cluster), ApplyOptions.defaults().stateDirectory(tmp.resolve("state-pw"))))
          .hasMessageContaining("deb1: could not take the cluster lock")
          .hasMessageContaining("sudo: a password is required")
          .hasMessageNotContaining("unable to resolve host")
          .hasMessageContaining("the SSH user of deb1 may not run commands as root without a password")
          .hasMessageContaining("NOPASSWD:ALL");
      assertThat(m.exec("test", "-e", "/root/facts").exitCode()).as("nothing written").isNotZero();
    }
  }
}
