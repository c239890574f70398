package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.bootstrap.HostPreparation;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.Call;
import dev.kubesmith.testkit.Sandbox;
import dev.kubesmith.testkit.SandboxBuild;
import dev.kubesmith.testkit.SandboxHost;
import org.junit.jupiter.api.Test;

/**
 * Issue 4: the generated host preparation on both families, over SSH through the bastion. worker2
 * is made a dnf-only host: in its own mount namespace, /usr/local/sbin and /usr/bin are replaced by
 * copies without apt-get and apt-mark, so the script takes its RHEL branch.
 */
class HostPreparationFamiliesTest {
  @Test
  void preparesAnAptHostAndADnfHostAndFindsBothDoneAfterwards() {
    try (Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
        .host("master1", "198.18.4.31", Role.MASTER).host("worker1", "198.18.4.41", Role.WORKER)
        .host("worker2", "198.18.4.42", Role.WORKER).build().start()) {
      SandboxHost rhel = sandbox.host("worker2");
      rhel.exec("bash", "-ec", String.join("\n",
          "mkdir -p /tmp/sbin /tmp/orig-bin /tmp/bin",
          "cp -a /usr/local/sbin/. /tmp/sbin/ && rm -f /tmp/sbin/apt-get /tmp/sbin/apt-mark",
          "mount --bind /tmp/sbin /usr/local/sbin",
          "mount --bind /usr/bin /tmp/orig-bin",
          "cp -as /tmp/orig-bin/. /tmp/bin/ && rm -f /tmp/bin/apt-get /tmp/bin/apt-mark",
          "mount --bind /tmp/bin /usr/bin")).requireSuccess();
      assertThat(rhel.exec("bash", "-c", "command -v apt-get").exitCode()).as("no apt-get on worker2").isNotZero();
      Plan plan = Cluster.singleMaster().inventory(sandbox.inventory()).ssh(sandbox.ssh()).build().plan();
      SandboxBuild build = SandboxBuild.on(sandbox);

      Step[] steps = {plan.requireStep("facts@worker1"), plan.requireStep("facts@worker2"),
          plan.requireStep("prepare@worker1"), plan.requireStep("prepare@worker2")};
      BuildResult first = build.run(steps);
      BuildResult second = build.run(steps);

      assertThat(first.ran()).contains("prepare@worker1", "prepare@worker2");
      assertThat(second.ran()).as("both hosts' checks find them prepared; only the facts are read again")
          .containsExactlyInAnyOrder("facts@worker1", "facts@worker2");
      assertThat(sandbox.host("worker1").calls("apt-get")).anySatisfy(c -> assertThat(c.args()).contains("kubeadm=1.34.2-*"));
      assertThat(sandbox.host("worker1").calls("apt-mark")).anySatisfy(c -> assertThat(c.args()).contains("hold", "kubeadm"));
      assertThat(rhel.calls("dnf")).anySatisfy(c -> assertThat(c.args()).contains("kubeadm-1.34.2", "--disableexcludes=kubernetes"));
      assertThat(rhel.calls("apt-get")).isEmpty();
      assertThat(rhel.readFile("/etc/yum.repos.d/kubernetes.repo"))
          .contains("baseurl=https://pkgs.k8s.io/core:/stable:/v1.34/rpm/", "exclude=kubelet kubeadm kubectl");
      for (SandboxHost h : sandbox.hosts()) {
        if (h.name().startsWith("worker")) {
          assertThat(h.exec(HostPreparation.SCRIPT, "--check").exitCode()).as(h.name() + " --check").isZero();
          assertThat(h.readFile("/etc/hosts")).contains(h.privateIp() + " " + h.name(), "198.18.4.31 master1", "# BEGIN kubesmith");
          assertThat(h.readFile("/etc/containerd/config.toml")).contains("SystemdCgroup = true");
        }
      }
      assertThat(rhel.calls()).extracting(Call::command).doesNotContain("apt-get");
    }
  }
}
