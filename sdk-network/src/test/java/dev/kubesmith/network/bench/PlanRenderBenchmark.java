package dev.kubesmith.network.bench;

import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Inventory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Plan and render of the HA cluster (bastion, 2 LBs, 3 masters, N workers, every sdk-network
 * component) for large N: wall time, peak heap and bytes written (issue 11: the plan must grow
 * linearly; target 10,000 hosts in under 10 s within a 256 MB heap). Each size runs in a child JVM
 * started with {@code -Xmx256m}, so the heap limit is the target's and not Maven's. Not a test; run
 * by hand (see docs/BENCHMARKS.md):
 *
 * <pre>
 * ./mvnw -q -B install -DskipTests -pl sdk-network -am
 * KUBESMITH_UPSTREAM_MIRROR=$PWD/../shared/upstream ./mvnw -q -B -pl sdk-network org.codehaus.mojo:exec-maven-plugin:3.5.1:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.kubesmith.network.bench.PlanRenderBenchmark -Dexec.args="1000 10000"
 * </pre>
 */
public final class PlanRenderBenchmark {
  private PlanRenderBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--one")) {
      one(Integer.parseInt(args[1]));
      return;
    }
    System.out.println("| hosts | steps | plan (s) | render (s) | files | bytes written (distinct files) | plan's heap after GC (MB) | -Xmx |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (String a : args.length == 0 ? new String[] {"1000", "10000"} : args) {
      // the child renders where this JVM would: -Djava.io.tmpdir=/dev/shm measures the SDK without the disk
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
          "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"), PlanRenderBenchmark.class.getName(), "--one", a)
          .inheritIO().start();
      if (p.waitFor() != 0) {
        System.out.println("| " + a + " | failed in a 256 MB heap (exit " + p.exitValue() + ") |");
      }
    }
  }

  private static void one(int hostCount) throws IOException {
    List<Host> hosts = CriticalPathBenchmark.haHosts(hostCount - 6);
    Path out = Files.createTempDirectory("kubesmith-bench-plan");
    try {
      long t0 = System.nanoTime();
      Plan plan = Cluster.ha().inventory(Inventory.of(hosts)).hostNetwork("10.1.0.0/16").vip("10.1.0.100")
          .publicVip("203.0.113.100").build().plan();
      long t1 = System.nanoTime();
      long retained = retainedHeapBytes(); // the plan itself, after a full GC
      long t1b = System.nanoTime();
      Path dir = plan.render(out.resolve("plan"));
      long t2 = System.nanoTime();
      // bytes on disk: a content many hosts share is one file, hard-linked into each host's tree
      long[] files = {0, 0};
      java.util.Set<Object> inodes = new java.util.HashSet<>();
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.filter(Files::isRegularFile).forEach(f -> {
          files[0]++;
          try {
            Object key = Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            if (inodes.add(key == null ? f : key)) {
              files[1] += Files.size(f);
            }
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
      }
      System.out.printf(Locale.ROOT, "| %d | %d | %.2f | %.2f | %d | %,d | %.0f | 256m |%n", hosts.size(),
          plan.steps().size(), (t1 - t0) / 1e9, (t2 - t1b) / 1e9, files[0], files[1], retained / 1048576.0);
    } finally {
      try (Stream<Path> walk = Files.walk(out)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static long retainedHeapBytes() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

}
