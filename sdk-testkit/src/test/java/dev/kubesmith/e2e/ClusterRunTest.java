package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.exec.BuildLockedException;
import dev.kubesmith.exec.Journal;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Cluster.run: one-off operations over the build's SSH path, every time they are asked for, never beside a build. */
class ClusterRunTest {
  @Test
  void runsOperationsThroughTheBastionEachTimeAndNotBesideABuild() throws Exception {
    try (Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
        .host("master1", "198.18.4.31", Role.MASTER).build().start()) {
      Cluster cluster = Cluster.singleMaster().name("ops").inventory(sandbox.inventory()).ssh(sandbox.ssh()).build();
      Plan operation = new PlanBuilder().add(Step.builder().id("count@master1").phase(Phase.BACKUP).host("master1")
          .description("append a line").addCommands("echo run >> /root/runs").build()).build(cluster.spec());
      Path state = Files.createTempDirectory("ks-run");
      ApplyOptions options = ApplyOptions.defaults().stateDirectory(state);

      assertThat(cluster.run(operation, options).ran()).containsExactly("count@master1");
      assertThat(cluster.run(operation, options).ran()).containsExactly("count@master1");
      assertThat(sandbox.host("master1").readFile("/root/runs")).isEqualTo("run\nrun\n");

      try (Journal building = Journal.open(state)) {
        assertThatThrownBy(() -> cluster.run(operation, options)).isInstanceOf(BuildLockedException.class);
      }
      assertThat(sandbox.host("master1").readFile("/root/runs")).isEqualTo("run\nrun\n");
    }
  }
}
