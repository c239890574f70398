package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.Sandbox;
import dev.kubesmith.testkit.SandboxBuild;
import org.junit.jupiter.api.Test;

/** The promise of issue 3: a new end-to-end test against simulated hosts in about ten lines. */
class TenLineEndToEndTest {
  @Test
  void installsAPackageOnEveryWorkerThroughTheBastion() {
    try (Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
        .host("master1", "198.18.4.31", Role.MASTER).host("worker1", "198.18.4.41", Role.WORKER)
        .host("worker2", "198.18.4.42", Role.WORKER).build().start()) {
      SandboxBuild build = SandboxBuild.on(sandbox);
      build.run(install("worker1"), install("worker2"));
      assertThat(sandbox.host("worker1").calls("apt-get")).singleElement().satisfies(c -> assertThat(c.args()).contains("hello"));
      assertThat(sandbox.host("worker2").calls("apt-get")).hasSize(1);
      assertThat(sandbox.host("master1").calls("apt-get")).isEmpty();
    }
  }

  private static Step install(String host) {
    return Step.builder().id("hello@" + host).phase(Phase.PREPARE_HOSTS).host(host).description("install hello")
        .addCommands("apt-get install -y hello").build();
  }
}
