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
