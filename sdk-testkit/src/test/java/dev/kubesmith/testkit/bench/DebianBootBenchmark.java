package dev.kubesmith.testkit.bench;

import dev.kubesmith.testkit.internal.DebianMachine;
import dev.kubesmith.testkit.internal.PointToPoint;
import dev.kubesmith.testkit.internal.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Boot time of N real Debian 12 machines (issue 12's target: 9 hosts in under 15 s once the root
 * filesystem is cached), each in a network namespace of its own, booted in parallel: from the first
 * nspawn to the last sshd listening. Not a test; run by hand as root (see docs/BENCHMARKS.md):
 *
 * <pre>
 * java -cp ... dev.kubesmith.testkit.bench.DebianBootBenchmark 9
 * </pre>
 */
public final class DebianBootBenchmark {
  private DebianBootBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 9;
    Path dir = Files.createTempDirectory("kubesmith-boot-bench");
    Proc.check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("key").toString());
    String key = Files.readString(dir.resolve("key.pub"));
    List<PointToPoint> links = new ArrayList<>();
    List<DebianMachine> machines = java.util.Collections.synchronizedList(new ArrayList<>());
    long pid = ProcessHandle.current().pid() % 10000;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      for (int i = 0; i < n; i++) {
        // 198.18.253.0/24 in /30s: .4i+1 this machine, .4i+2 the machine; the names are not a Sandbox's (ks-XXXXXX-...), which its cleaner sweeps
        links.add(PointToPoint.create("ks-boot-" + pid + "-" + i, "ks-bo" + pid + "o" + i, "198.18.253." + (4 * i + 1),
            "198.18.253." + (4 * i + 2)));
      }
      long t0 = System.nanoTime();
      List<Future<DebianMachine>> boots = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        boots.add(pool.submit(() -> {
          DebianMachine m = DebianMachine.boot("host" + k, links.get(k).netns(), dir.resolve("host" + k), key);
          machines.add(m);
          return m;
        }));
      }
      long slowest = 0;
      for (Future<DebianMachine> b : boots) {
        slowest = Math.max(slowest, b.get().lastBoot().toMillis());
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "| %d | %.2f | %.2f |%n", n, wall, slowest / 1000.0);
    } finally {
      machines.forEach(DebianMachine::close);
      links.forEach(PointToPoint::close);
      pool.shutdownNow();
      Proc.run(List.of("rm", "-rf", "--one-file-system", dir.toString()));
    }
  }
}
