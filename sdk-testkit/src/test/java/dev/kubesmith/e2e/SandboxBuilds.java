package dev.kubesmith.e2e;

import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.exec.BuildExecutor;
import dev.kubesmith.exec.BuildListener;
import dev.kubesmith.exec.Retries;
import dev.kubesmith.exec.RetryPolicy;
import dev.kubesmith.exec.SshStepRunner;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.ssh.Redactor;
import dev.kubesmith.ssh.SshConnector;
import dev.kubesmith.testkit.Sandbox;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Runs plans against a sandbox through the real SSH layer and executor. */
final class SandboxBuilds {
  static final Retries FAST = Retries.custom()
      .connect(RetryPolicy.of(6, Duration.ofMillis(200), Duration.ofSeconds(2)))
      .command(RetryPolicy.of(6, Duration.ofMillis(200), Duration.ofSeconds(2))).build();

  private SandboxBuilds() {}

  /** The sandbox's hosts as a single-master spec (the bastion in front), SSH as the sandbox sets it up. */
  static ClusterSpec spec(Sandbox sandbox, Ssh ssh) {
    return Cluster.singleMaster().name("e2e").inventory(sandbox.inventory()).ssh(ssh).build().spec();
  }

  static BuildExecutor executor(ClusterSpec spec, Duration commandTimeout, BuildListener listener, Redactor redactor,
      Retries retries) {
    SshConnector connector = SshConnector.forSpec(spec, Optional.empty(), redactor);
    SshStepRunner runner = new SshStepRunner(connector, h -> connector.target(spec.requireHost(h)), commandTimeout,
        null, retries);
    return BuildExecutor.builder().runner(runner).listener(listener).redactor(redactor).retries(retries).build();
  }

  static Plan plan(ClusterSpec spec, List<Step> steps) {
    PlanBuilder b = new PlanBuilder();
    steps.forEach(b::add);
    return b.build(spec);
  }

  static Step step(String id, Phase phase, String host, String... commands) {
    return Step.builder().id(id).phase(phase).host(host).description(id).addCommands(commands).build();
  }
}
