package dev.kubesmith.network.bench;

import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.exec.BuildExecutor;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.exec.Journal;
import dev.kubesmith.exec.Retries;
import dev.kubesmith.exec.StepContext;
import dev.kubesmith.exec.StepRunner;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Wall time of the executor on the real HA plan (bastion, 2 LBs, 3 masters, N workers; all
 * components of sdk-network) against the plan's critical path, with every step replaced by a stub
 * that sleeps its realistic estimate scaled down (1 s of estimate = {@code SCALE} ms). Not a test;
 * run by hand (see docs/BENCHMARKS.md):
 *
 * <pre>
 * ./mvnw -q -B install -DskipTests -pl sdk-network -am
 * KUBESMITH_UPSTREAM_MIRROR=$PWD/../shared/upstream ./mvnw -q -B -pl sdk-network org.codehaus.mojo:exec-maven-plugin:3.5.1:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.kubesmith.network.bench.CriticalPathBenchmark -Dexec.args="3 100"
 * </pre>
 */
public final class CriticalPathBenchmark {
  private static final double SCALE_MS_PER_SECOND = 10;

  private CriticalPathBenchmark() {}

  public static void main(String[] args) {
    System.out.println("| workers | steps | critical path (scaled s) | wall time (s) | wall / critical path |");
    System.out.println("|---|---|---|---|---|");
    for (String a : args.length == 0 ? new String[] {"3", "100"} : args) {
      run(Integer.parseInt(a));
    }
  }

  /** bastion, lb1, lb2, master1-3 and N workers in 10.1.0.0/16: the HA cluster the benchmarks plan. */
  static List<Host> haHosts(int workers) {
    List<Host> hosts = new ArrayList<>();
    hosts.add(Host.builder().name("bastion").privateIp("10.1.0.10").publicIp("203.0.113.10").addRoles(Role.BASTION).build());
    hosts.add(Host.builder().name("lb1").privateIp("10.1.0.21").publicIp("203.0.113.21").addRoles(Role.LB).build());
    hosts.add(Host.builder().name("lb2").privateIp("10.1.0.22").publicIp("203.0.113.22").addRoles(Role.LB).build());
    for (int i = 1; i <= 3; i++) {
      hosts.add(Host.of("master" + i, "10.1.0." + (30 + i), Role.MASTER));
    }
    for (int i = 1; i <= workers; i++) {
      hosts.add(Host.of("worker" + i, "10.1." + (1 + i / 200) + "." + (i % 200 + 50), Role.WORKER));
    }
    return hosts;
  }

  private static void run(int workers) {
    List<Host> hosts = haHosts(workers);
    Plan plan = Cluster.ha().inventory(Inventory.of(hosts)).hostNetwork("10.1.0.0/16").vip("10.1.0.100")
        .publicVip("203.0.113.100").build().plan();
    Duration critical = plan.criticalPath(Step::estimate);
    StepRunner sleeper = new StepRunner() {
      @Override
      public boolean alreadyDone(Step step, StepContext context) {
        return false;
      }

      @Override
      public void run(Step step, StepContext context) {
        try {
          Thread.sleep(scaled(step.estimate()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    // one slot per host: the executor must never be the reason a ready step waits
    BuildExecutor executor = BuildExecutor.builder().runner(sleeper).parallelism(hosts.size() + 1)
        .retries(Retries.none()).build();
    long t0 = System.nanoTime();
    BuildResult result = executor.execute(plan, Journal.inMemory());
    double wall = (System.nanoTime() - t0) / 1e9;
    double path = scaled(critical) / 1000.0;
    System.out.printf(Locale.ROOT, "| %d | %d | %.2f | %.2f | %.3f |%n", workers, result.ran().size(), path, wall, wall / path);
  }

  private static long scaled(Duration estimate) {
    return Math.round(estimate.toMillis() / 1000.0 * SCALE_MS_PER_SECOND);
  }
}
