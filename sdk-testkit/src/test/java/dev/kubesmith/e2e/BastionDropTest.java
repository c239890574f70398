package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.bootstrap.Bootstrap;
import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.exec.BuildListener;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.Sandbox;
import dev.kubesmith.testkit.SandboxBuild;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: SSH connections dropped between steps. The API client and its SSH forward follow the
 * bastion connection when it is made again; a host's own connection is made again for its next step.
 */
class BastionDropTest {
  private static Step configMap(String name, String... deps) {
    return Step.builder().id(name).phase(Phase.ADDONS).description(name).addDependsOn(deps)
        .addManifests(Manifest.of(name, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name
            + ", namespace: default}\ndata: {k: v}\n")).build();
  }

  @Test
  void apiStepsAfterTheBastionConnectionDiedGoThroughANewForward(@TempDir Path state) throws Exception {
    try (MockApi api = MockApi.start();
         Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
             .host("master1", "198.18.4.31", Role.MASTER).apiServer(api.address()).build().start()) {
      sandbox.host("master1").writeFile("/root/admin.conf", api.kubeconfig());
      Cluster cluster = Cluster.singleMaster().name("drop").inventory(sandbox.inventory()).ssh(sandbox.ssh()).build();
      Plan plan = new PlanBuilder()
          .add(Step.builder().id("creds@master1").phase(Phase.CONTROL_PLANE).host("master1").description("creds")
              .putCaptures(Bootstrap.ADMIN_KUBECONFIG, "cat /root/admin.conf").build())
          .add(configMap("before", "creds@master1"))
          .add(Step.builder().id("drop@master1").phase(Phase.ADDONS).host("master1").description("drop")
              .addDependsOn("before").addCommands("true").build())
          .add(configMap("after", "drop@master1"))
          .build(cluster.spec());
      java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
      BuildListener killBastionSessions = new BuildListener() {
        @Override
        public void stepStarted(Step step) {
          // stepStarted fires on every attempt: kill once, on the first, and let the retry reconnect
          if (step.id().equals("drop@master1") && killed.compareAndSet(false, true)) {
            killSshSessions(sandbox);
          }
        }
      };

      BuildResult r = cluster.run(plan, ApplyOptions.defaults().stateDirectory(state).listener(killBastionSessions)
          .retries(SandboxBuild.QUICK_RETRIES));

      assertThat(killed).isTrue();
      assertThat(r.ran()).contains("before", "drop@master1", "after");
      assertThat(api.client().configMaps().inNamespace("default").withName("after").get()).isNotNull();
    }
  }

  /**
   * A plain SSH drop of a host's own connection (not the bastion's) between two of its steps: the
   * next step runs over a new connection and nothing that was done is done again. Whether the SDK
   * sees the drop before the step's first attempt (and connects again before it) or in that attempt
   * (and retries it) depends on when the client reads the peer's close: both are correct, and at
   * most one retry is allowed.
   */
  @Test
  void aHostStepAfterItsHostsConnectionDroppedRunsOverANewOneAndNothingIsRedone() {
    try (Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
        .host("master1", "198.18.4.31", Role.MASTER).host("worker1", "198.18.4.41", Role.WORKER).build().start()) {
      java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
      java.util.concurrent.atomic.AtomicInteger retries = new java.util.concurrent.atomic.AtomicInteger();
      BuildListener dropWorkerSession = new BuildListener() {
        @Override
        public void stepStarted(Step step) {
          if (step.id().equals("b@worker1") && killed.compareAndSet(false, true)) {
            killSshSessions(sandbox.host("worker1"));
          }
        }

        @Override
        public void stepRetried(Step step, int attempt, java.time.Duration wait, Throwable error) {
          retries.incrementAndGet();
        }
      };
      SandboxBuild build = SandboxBuild.on(sandbox).listener(dropWorkerSession).retries(SandboxBuild.QUICK_RETRIES);

      BuildResult r = build.run(
          Step.builder().id("a@worker1").phase(Phase.PREPARE_HOSTS).host("worker1").description("a")
              .addCommands("echo a >> /root/runs", "echo \"$SSH_CONNECTION\" > /root/conn-a").build(),
          Step.builder().id("b@worker1").phase(Phase.PREPARE_HOSTS).host("worker1").description("b").addDependsOn("a@worker1")
              .check("grep -qx b /root/runs")
              .addCommands("echo b >> /root/runs", "echo \"$SSH_CONNECTION\" > /root/conn-b").build());

      assertThat(killed).isTrue();
      assertThat(r.ran()).containsExactly("a@worker1", "b@worker1");
      assertThat(retries.get()).as("retries of b").isBetween(0, 1);
      assertThat(sandbox.host("worker1").readFile("/root/runs")).isEqualTo("a\nb\n");
      String before = sandbox.host("worker1").readFile("/root/conn-a").strip();
      String after = sandbox.host("worker1").readFile("/root/conn-b").strip();
      assertThat(before).as("SSH_CONNECTION of a").isNotEmpty();
      assertThat(after).as("b ran over a new connection (another client port)").isNotEmpty().isNotEqualTo(before);
    }
  }

  private static void killSshSessions(Sandbox sandbox) {
    killSshSessions(sandbox.bastion());
  }

  /** Kills, by PID, the host's sshd processes of the established connections on port 22. */
  private static void killSshSessions(dev.kubesmith.testkit.SandboxHost host) {
    // under a loaded machine the session may still be coming up: look for up to 10 s
    String ss = "";
    List<String> pids = new java.util.ArrayList<>();
    for (long end = System.nanoTime() + 10_000_000_000L; pids.isEmpty() && System.nanoTime() < end; ) {
      ss = host.exec("ss", "-Htnp", "state", "established", "( sport = :22 )").stdout();
      Matcher m = Pattern.compile("pid=(\\d+)").matcher(ss);
      while (m.find()) {
        pids.add(m.group(1));
      }
      if (pids.isEmpty()) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    assertThat(pids).as("sshd sessions on %s: %s", host.name(), ss).isNotEmpty();
    String[] kill = new String[pids.size() + 2];
    kill[0] = "kill";
    kill[1] = "-9";
    System.arraycopy(pids.toArray(String[]::new), 0, kill, 2, pids.size());
    host.exec(kill);
    assertThat(Arrays.asList(kill)).hasSizeGreaterThan(2);
  }
}
