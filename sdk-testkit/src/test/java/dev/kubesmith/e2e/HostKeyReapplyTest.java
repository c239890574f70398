package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kubesmith.bootstrap.Bootstrap;
import dev.kubesmith.exec.BuildFailedException;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.exec.Journal;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Role;
import dev.kubesmith.ssh.SshException;
import dev.kubesmith.testkit.Sandbox;
import dev.kubesmith.testkit.SandboxBuild;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 (3b): a host whose key changed is reported on a re-apply whose steps are all journaled
 * (every apply reads every host's facts, so it connects to every host and checks its key), and a
 * changed bastion key is reported as the bastion's, not as a failure of the first step that
 * happened to connect. Neither message tells the user that running again would help, and the count
 * of steps done leaves out the facts step that failed (it runs on every build).
 */
class HostKeyReapplyTest {
  @TempDir Path state;

  @Test
  void aChangedKeyIsReportedOnAFullyJournaledReApplyAndABastionKeyNamesTheBastion() throws Exception {
    try (Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
        .host("master1", "198.18.4.31", Role.MASTER).host("worker1", "198.18.4.41", Role.WORKER).build().start()) {
      SandboxBuild build = SandboxBuild.on(sandbox);
      Plan plan = build.plan(Bootstrap.facts(build.spec().requireHost("worker1")),
          Step.builder().id("touch@worker1").phase(Phase.PREPARE_HOSTS).host("worker1").description("count")
              .addDependsOn("facts@worker1").addCommands("echo run >> /root/runs").build());
      assertThat(run(build, plan).ran()).contains("touch@worker1");

      sandbox.host("worker1").changeHostKey();
      Throwable worker = catchThrowable(() -> run(SandboxBuild.on(sandbox), plan));

      assertThat(worker).isInstanceOf(BuildFailedException.class).hasMessageContaining("worker1: host key of 198.18.4.41 CHANGED")
          .hasMessageContaining("1 of 2 steps are done").hasMessageContaining("running the build again fails the same way")
          .hasMessageNotContaining("to resume");
      assertThat(cause(worker).kind()).isEqualTo(SshException.Kind.HOST_KEY);
      assertThat(sandbox.host("worker1").readFile("/root/runs")).as("the journaled step did not run again").isEqualTo("run\n");

      sandbox.host("bastion").changeHostKey();
      Throwable bastion = catchThrowable(() -> run(SandboxBuild.on(sandbox), plan));

      assertThat(bastion).isInstanceOf(BuildFailedException.class)
          .hasMessageContaining("bastion: (the bastion every host is reached through)").hasMessageContaining("CHANGED")
          .hasMessageContaining("running the build again fails the same way").hasMessageNotContaining("to resume");
      assertThat(cause(bastion).kind()).isEqualTo(SshException.Kind.HOST_KEY);
    }
  }

  /** A build journaled in the state directory, as every apply is. */
  private BuildResult run(SandboxBuild build, Plan plan) {
    try (Journal journal = Journal.open(state)) {
      return build.run(plan, journal);
    }
  }

  private static SshException cause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SshException s) {
        return s;
      }
    }
    throw new AssertionError("no SshException in " + t);
  }
}
