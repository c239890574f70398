package dev.kubesmith.testkit;

import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.exec.BuildExecutor;
import dev.kubesmith.exec.BuildListener;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.exec.Journal;
import dev.kubesmith.exec.Retries;
import dev.kubesmith.exec.RetryPolicy;
import dev.kubesmith.exec.SshStepRunner;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Role;
import dev.kubesmith.ssh.Redactor;
import dev.kubesmith.ssh.SshConnector;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Runs steps on a sandbox through the SDK's real SSH layer and executor, every connection through
 * the bastion: an end-to-end test in a few lines.
 *
 * <pre>{@code
 * try (Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
 *     .host("master1", "198.18.4.31", Role.MASTER).host("worker1", "198.18.4.41", Role.WORKER).build().start()) {
 *   SandboxBuild build = SandboxBuild.on(sandbox);
 *   BuildResult r = build.run(Step.builder().id("hello@worker1").phase(Phase.PREPARE_HOSTS).host("worker1")
 *       .description("hello").addCommands("apt-get install -y hello").build());
 *   assertThat(sandbox.host("worker1").calls("apt-get")).hasSize(1);
 * }
 * }</pre>
 */
public final class SandboxBuild {
  /** Retries with short waits, so tests of transient faults stay quick. */
  public static final Retries QUICK_RETRIES = Retries.custom()
      .connect(RetryPolicy.of(6, Duration.ofMillis(200), Duration.ofSeconds(2)))
      .command(RetryPolicy.of(6, Duration.ofMillis(200), Duration.ofSeconds(2))).build();

  private final ClusterSpec spec;
  private final Ssh ssh;
  private Duration commandTimeout = Duration.ofSeconds(60);
  private BuildListener listener = BuildListener.NONE;
  private Retries retries = QUICK_RETRIES;
  private Redactor redactor = new Redactor();
  private int parallelism = BuildExecutor.DEFAULT_PARALLELISM;

  private SandboxBuild(ClusterSpec spec, Ssh ssh) {
    this.spec = spec;
    this.ssh = ssh;
  }

  /** The sandbox's hosts as a single-master spec, SSH as the sandbox sets it up. */
  public static SandboxBuild on(Sandbox sandbox) {
    return on(sandbox, sandbox.ssh());
  }

  /** The same with other SSH settings (e.g. another key, shorter timeouts). */
  public static SandboxBuild on(Sandbox sandbox, Ssh ssh) {
    return new SandboxBuild(Cluster.singleMaster().name("sandbox").inventory(sandbox.inventory()).ssh(ssh).build().spec(),
        ssh);
  }

  /**
   * A single-master spec of some of the sandbox's hosts (the bastion is always in it), e.g.
   * {@code on(sandbox, "master1", "worker1")} in a sandbox that also has load balancers and more
   * masters: steps rendered from {@link #spec()} then see a one-master cluster.
   */
  public static SandboxBuild on(Sandbox sandbox, String... hosts) {
    Set<String> names = Set.of(hosts);
    for (String name : names) {
      sandbox.host(name); // the unknown name fails here, listing the sandbox's hosts
    }
    List<Host> chosen = sandbox.inventory().hosts().stream()
        .filter(h -> names.contains(h.name()) || h.has(Role.BASTION)).toList();
    Ssh ssh = sandbox.ssh();
    return new SandboxBuild(Cluster.singleMaster().name("sandbox").inventory(Inventory.of(chosen)).ssh(ssh).build().spec(),
        ssh);
  }

  public ClusterSpec spec() {
    return spec;
  }

  public SandboxBuild commandTimeout(Duration timeout) {
    this.commandTimeout = timeout;
    return this;
  }

  public SandboxBuild listener(BuildListener listener) {
    this.listener = listener;
    return this;
  }

  public SandboxBuild retries(Retries retries) {
    this.retries = retries;
    return this;
  }

  public SandboxBuild redactor(Redactor redactor) {
    this.redactor = redactor;
    return this;
  }

  public SandboxBuild parallelism(int parallelism) {
    this.parallelism = parallelism;
    return this;
  }

  /** A checked plan of these steps. */
  public Plan plan(Step... steps) {
    PlanBuilder b = new PlanBuilder();
    Arrays.stream(steps).forEach(b::add);
    return b.build(spec);
  }

  /** Runs the steps with an in-memory journal. */
  public BuildResult run(Step... steps) {
    return run(plan(steps), Journal.inMemory());
  }

  /** Runs a plan with the given journal (e.g. {@code Journal.open(dir)} to test resuming). */
  public BuildResult run(Plan plan, Journal journal) {
    return executor().execute(plan, journal);
  }

  /** A fresh executor over a fresh connector (each build has its own connections). */
  public BuildExecutor executor() {
    SshConnector connector = SshConnector.forSpec(spec, ssh.passphrase(), redactor);
    SshStepRunner runner = new SshStepRunner(connector, h -> connector.target(spec.requireHost(h)), commandTimeout,
        null, retries);
    return BuildExecutor.builder().runner(runner).listener(listener).redactor(redactor).retries(retries)
        .parallelism(parallelism).build();
  }
}
