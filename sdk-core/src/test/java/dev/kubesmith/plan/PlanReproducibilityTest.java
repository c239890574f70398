package dev.kubesmith.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11: identical input renders byte-identical plans, in one JVM and across JVMs. */
class PlanReproducibilityTest {
  /** Map.of's order flips with a per-JVM salt: with 8 JVMs a salted order shows with probability 1 - 2^-7. */
  private static final int JVMS = 8;

  @TempDir
  Path tmp;

  @Test
  void rendersTheSameBytesEveryTime() throws Exception {
    String inventory = PlanDigest.seedInventory();
    Set<String> digests = new LinkedHashSet<>();

    for (int i = 0; i < 20; i++) {
      digests.add(PlanDigest.of(PlanDigest.seedCluster(inventory).plan().render(tmp.resolve("run" + i))));
    }

    assertThat(digests).hasSize(1);
  }

  @Test
  void rendersTheSameBytesFromDifferentlyOrderedInputs() throws Exception {
    String inventory = PlanDigest.seedInventory();
    String reordered = inventory
        .replace("worker1   worker   memory=16G", "worker1   worker   memory=16G   user=ops")
        .replace("master1   master", "master1   master,worker");
    String swapped = reordered
        .replace("memory=16G   user=ops", "user=ops   memory=16G")
        .replace("master,worker", "worker,master");

    String a = PlanDigest.of(PlanDigest.seedCluster(reordered).plan().render(tmp.resolve("a")));
    String b = PlanDigest.of(PlanDigest.seedCluster(swapped).plan().render(tmp.resolve("b")));

    assertThat(swapped).isNotEqualTo(reordered);
    assertThat(b).isEqualTo(a);
  }

  @Test
  void rendersTheSameBytesInJvmsWithDifferentHashSeeds() throws Exception {
    String here = PlanDigest.of(PlanDigest.seedCluster(PlanDigest.seedInventory()).plan().render(tmp.resolve("here")));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> forks = new ArrayList<>();
    for (int i = 0; i < JVMS; i++) {
      forks.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), PlanDigest.class.getName(),
          tmp.resolve("jvm" + i).toString()).redirectErrorStream(true).start());
    }

    Set<String> digests = new LinkedHashSet<>();
    for (Process p : forks) {
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the forked JVM finished").isTrue();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      assertThat(p.exitValue()).as(output).isZero();
      digests.add(output.substring(output.lastIndexOf('\n') + 1));
    }

    assertThat(digests).containsExactly(here);
  }
}
