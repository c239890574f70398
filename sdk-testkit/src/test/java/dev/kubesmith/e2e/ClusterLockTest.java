package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.exec.BuildLockedException;
import dev.kubesmith.exec.ClusterLock;
import dev.kubesmith.exec.Retries;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Role;
import dev.kubesmith.ssh.Redactor;
import dev.kubesmith.ssh.SshConnector;
import dev.kubesmith.testkit.Sandbox;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11: the lock on the cluster itself, on its first master, across operators and state directories. */
class ClusterLockTest {
  @TempDir Path tmp;

  /** Another operator: a separate JVM that takes the cluster lock for the spec in args[0] and keeps it. */
  public static void main(String[] args) throws Exception {
    ClusterSpec spec = ClusterSpec.fromYaml(Files.readString(Path.of(args[0])));
    SshConnector connector = SshConnector.forSpec(spec, Optional.empty(), new Redactor());
    ClusterLock lock = ClusterLock.acquire(connector, connector.target(spec.masters().get(0)), "apply of " + spec.name(),
        Retries.ofDefaults());
    System.out.println("locked " + lock);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  @Test
  void aSecondOperatorIsRefusedNamingTheHolderAndGetsTheLockOnceTheHolderIsKilled() throws Exception {
    try (Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
        .host("master1", "198.18.4.31", Role.MASTER).build().start()) {
      Cluster cluster = Cluster.singleMaster().name("locked").inventory(sandbox.inventory()).ssh(sandbox.ssh()).build();
      Plan operation = new PlanBuilder().add(Step.builder().id("count@master1").phase(Phase.BACKUP).host("master1")
          .description("append a line").addCommands("echo run >> /root/runs").build()).build(cluster.spec());
      Path specFile = Files.writeString(tmp.resolve("spec.yaml"), cluster.spec().toYaml());
      Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), ClusterLockTest.class.getName(), specFile.toString())
          .redirectErrorStream(true).start();
      try {
        awaitLine(other, "locked");
        // this operator's own state directory: the state directory's lock cannot see the other one
        ApplyOptions mine = ApplyOptions.defaults().stateDirectory(tmp.resolve("mine"));

        assertThatThrownBy(() -> cluster.run(operation, mine)).isInstanceOf(BuildLockedException.class)
            .hasMessageContaining("pid " + other.pid()).hasMessageContaining(ClusterLock.LOCK_FILE)
            .hasMessageContaining("on master1").hasMessageContaining("never delete");
        assertThat(sandbox.host("master1").exec("test", "-f", "/root/runs").exitCode()).isNotZero();

        other.destroyForcibly(); // SIGKILL: no chance to let go; its SSH session ends with it
        assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(cluster.run(operation, mine).ran()).containsExactly("count@master1");
        assertThat(sandbox.host("master1").readFile("/root/runs")).isEqualTo("run\n");
      } finally {
        other.destroyForcibly();
        other.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /** Kills, by PID, the sshd session whose shell holds the cluster lock (as a dropped connection ends it). */
  private static final String KILL_LOCK_SESSION = "p=$(sed -n 's/.*holder-pid=\\([0-9]*\\).*/\\1/p' " + ClusterLock.HOLDER_FILE
      + "); while [ \"${p:-1}\" -gt 1 ]; do case \"$(cat /proc/$p/comm)\" in sshd*) kill -9 $p; exit 0;; esac;"
      + " p=$(awk '{print $4}' /proc/$p/stat); done; exit 1";

  private static Plan twoSteps(Cluster cluster) {
    return new PlanBuilder()
        .add(Step.builder().id("s1@master1").phase(Phase.BACKUP).host("master1").description("first")
            .addCommands("cat " + ClusterLock.HOLDER_FILE + " > /root/holder-s1").build())
        .add(Step.builder().id("s2@master1").phase(Phase.BACKUP).host("master1").description("second").addDependsOn("s1@master1")
            .addCommands("cat " + ClusterLock.HOLDER_FILE + " > /root/holder-s2").build())
        .build(cluster.spec());
  }

  /** After s1: the lock's session is killed, and the test waits until the master has let the lock go. */
  private static dev.kubesmith.exec.BuildListener dropLockAfterFirstStep(Sandbox sandbox, Runnable thenWhileFree) {
    return new dev.kubesmith.exec.BuildListener() {
      @Override
      public void stepFinished(Step step, java.time.Duration took) {
        if (!step.id().equals("s1@master1")) {
          return;
        }
        assertThat(sandbox.host("master1").exec("bash", "-c", KILL_LOCK_SESSION).exitCode()).as("the lock's session killed").isZero();
        long end = System.nanoTime() + 10_000_000_000L;
        while (sandbox.host("master1").exec("flock", "-n", ClusterLock.LOCK_FILE, "true").exitCode() != 0) {
          assertThat(System.nanoTime()).as("the master let the lock go within 10 s").isLessThan(end);
          sleep(100);
        }
        sleep(500); // the operator's side notices the closed channel
        thenWhileFree.run();
      }
    };
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void aLockWhoseSessionDroppedIsTakenAgainBeforeTheNextStep() throws Exception {
    try (Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
        .host("master1", "198.18.4.31", Role.MASTER).build().start()) {
      Cluster cluster = Cluster.singleMaster().name("relock").inventory(sandbox.inventory()).ssh(sandbox.ssh()).build();
      ApplyOptions options = ApplyOptions.defaults().stateDirectory(tmp.resolve("state"))
          .listener(dropLockAfterFirstStep(sandbox, () -> { }));

      assertThat(cluster.run(twoSteps(cluster), options).ran()).containsExactly("s1@master1", "s2@master1");

      String before = sandbox.host("master1").readFile("/root/holder-s1");
      String during = sandbox.host("master1").readFile("/root/holder-s2");
      assertThat(during).as("the holder while s2 ran").contains("for=operation_on_relock").contains("pid=" + ProcessHandle.current().pid());
      assertThat(token(during)).as("a new holder: the lock was taken again").isNotEqualTo(token(before));
    }
  }

  @Test
  void aBuildWhoseLockAnotherOperatorTookAfterADropStopsBeforeItsNextStep() throws Exception {
    try (Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
        .host("master1", "198.18.4.31", Role.MASTER).build().start()) {
      Cluster cluster = Cluster.singleMaster().name("stolen").inventory(sandbox.inventory()).ssh(sandbox.ssh()).build();
      Path specFile = Files.writeString(tmp.resolve("spec.yaml"), cluster.spec().toYaml());
      Process[] other = new Process[1];
      ApplyOptions options = ApplyOptions.defaults().stateDirectory(tmp.resolve("state"))
          .retries(dev.kubesmith.testkit.SandboxBuild.QUICK_RETRIES)
          .listener(dropLockAfterFirstStep(sandbox, () -> {
            try {
              other[0] = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp", System.getProperty("java.class.path"), ClusterLockTest.class.getName(), specFile.toString())
                  .redirectErrorStream(true).start();
              awaitLine(other[0], "locked");
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          }));
      try {
        assertThatThrownBy(() -> cluster.run(twoSteps(cluster), options))
            .hasMessageContaining("before s2@master1 could start").hasMessageContaining("pid " + other[0].pid())
            .hasMessageContaining(ClusterLock.LOCK_FILE);
        assertThat(sandbox.host("master1").exec("test", "-e", "/root/holder-s2").exitCode()).as("s2 never ran").isNotZero();
      } finally {
        if (other[0] != null) {
          other[0].destroyForcibly();
          other[0].waitFor(30, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static String token(String holderLine) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("holder=(\\S+)").matcher(holderLine);
    assertThat(m.find()).as(holderLine).isTrue();
    return m.group(1);
  }

  private static void awaitLine(Process p, String prefix) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    CompletableFuture<Boolean> found = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line; (line = out.readLine()) != null; ) {
          seen.append(line).append('\n');
          if (line.startsWith(prefix)) {
            return true;
          }
        }
        return false;
      } catch (java.io.IOException e) {
        return false;
      }
    });
    assertThat(found.get(60, TimeUnit.SECONDS)).as("the other operator said: %s", seen).isTrue();
  }
}
