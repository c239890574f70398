package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.exec.Journal;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.Sandbox;
import dev.kubesmith.testkit.SandboxBuild;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: a step's check only counts once the host holds the files the step would upload, so a
 * check script uploaded by the step itself cannot vouch for an older version of the step.
 */
class PrepareAfterChangeTest {
  @Test
  void aChangedKubernetesVersionMakesPrepareRunAgainOnAnExistingHost(@TempDir Path state) {
    try (Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
        .host("master1", "198.18.4.31", Role.MASTER).host("worker1", "198.18.4.41", Role.WORKER).build().start()) {
      Plan first = Cluster.singleMaster().inventory(sandbox.inventory()).ssh(sandbox.ssh()).kubernetesVersion("1.34.1")
          .build().plan();
      Plan second = Cluster.singleMaster().inventory(sandbox.inventory()).ssh(sandbox.ssh()).kubernetesVersion("1.34.2")
          .build().plan();
      SandboxBuild build = SandboxBuild.on(sandbox);
      try (Journal journal = Journal.open(state)) {
        build.run(build.plan(first.requireStep("facts@worker1"), first.requireStep("prepare@worker1")), journal);
      }

      BuildResult again;
      try (Journal journal = Journal.open(state)) {
        again = build.run(build.plan(second.requireStep("facts@worker1"), second.requireStep("prepare@worker1")), journal);
      }

      assertThat(again.ran()).contains("prepare@worker1"); // before: its check ran the old script and said done
      assertThat(sandbox.host("worker1").calls("apt-get")).anySatisfy(c -> assertThat(c.args()).contains("kubeadm=1.34.2-*"));
    }
  }

  @Test
  void aStepWhoseFilesAreOnTheHostAsPlannedIsStillFoundDoneByItsCheck(@TempDir Path state) {
    try (Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
        .host("master1", "198.18.4.31", Role.MASTER).host("worker1", "198.18.4.41", Role.WORKER).build().start()) {
      Plan plan = Cluster.singleMaster().inventory(sandbox.inventory()).ssh(sandbox.ssh()).build().plan();
      SandboxBuild build = SandboxBuild.on(sandbox);
      build.run(plan.requireStep("facts@worker1"), plan.requireStep("prepare@worker1"));

      BuildResult again = build.run(plan.requireStep("facts@worker1"), plan.requireStep("prepare@worker1"));

      assertThat(again.ran()).containsExactly("facts@worker1"); // no journal: the files match and the check passes
    }
  }
}
