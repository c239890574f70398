package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Step;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The progress of {@code apply}: plain lines per event, the terminal bar, and concurrent events. */
class ProgressPrinterTest {
  private static final Step PREPARE = step("prepare@worker1", "worker1");
  private static final Step CALICO = step("calico", null);

  private static Step step(String id, String host) {
    var b = Step.builder().id(id).phase(Phase.PREPARE_HOSTS).description("test step " + id);
    if (host != null) {
      b.host(host);
    }
    return b.build();
  }

  private final StringWriter buffer = new StringWriter();

  private ProgressPrinter printer(boolean tty) {
    return new ProgressPrinter(new PrintWriter(buffer), tty);
  }

  @Test
  void plainPrintsOneLinePerEventOfEachType() {
    ProgressPrinter p = printer(false);

    p.stepStarted(PREPARE);
    p.progress(0, 2);
    p.stepRetried(PREPARE, 2, Duration.ofMillis(1000), new IllegalStateException("apt lock held\nsecond line"));
    p.stepFinished(PREPARE, Duration.ofMillis(1234));
    p.progress(1, 2);
    p.stepSkipped(CALICO, "already done");
    p.stepStarted(CALICO);
    p.stepFailed(CALICO, new RuntimeException("step calico failed on the Kubernetes API\n  stderr: boom"));
    p.finish();

    assertThat(buffer.toString().lines()).containsExactly(
        "started prepare@worker1 (worker1)",
        "retry 2 of prepare@worker1 in 1.0s: apt lock held",
        "done prepare@worker1 in 1.2s",
        "skipped calico (already done)",
        "started calico (Kubernetes API)",
        "failed calico: step calico failed on the Kubernetes API");
    assertThat(buffer.toString()).doesNotContain("\r", "[");
  }

  @Test
  void barAtNothingHalfAndAllDone() {
    assertThat(ProgressPrinter.bar(0, 30, List.of()))
        .isEqualTo("[--------------------] 0/30 steps");
    assertThat(ProgressPrinter.bar(15, 30, List.of("prepare@worker1", "join-worker@worker2")))
        .isEqualTo("[##########----------] 15/30 steps  running: prepare@worker1, join-worker@worker2");
    assertThat(ProgressPrinter.bar(30, 30, List.of()))
        .isEqualTo("[####################] 30/30 steps");
  }

  @Test
  void barNamesAFewRunningStepsAndCountsTheRest() {
    assertThat(ProgressPrinter.bar(1, 31, List.of("a", "b", "c", "d", "e")))
        .isEqualTo("[--------------------] 1/31 steps  running: a, b, c, +2 more");
    assertThat(ProgressPrinter.bar(0, 0, List.of())).isEqualTo("[--------------------] 0/0 steps");
  }

  @Test
  void terminalRedrawsOneLineWithCarriageReturnsAndPrintsFailuresAboveIt() {
    ProgressPrinter p = printer(true);

    p.progress(0, 2);
    p.stepStarted(PREPARE);
    p.stepFinished(PREPARE, Duration.ofSeconds(1));
    p.progress(1, 2);
    p.stepFailed(CALICO, new RuntimeException("boom"));
    p.progress(2, 2);
    p.finish();

    String s = buffer.toString();
    assertThat(s).startsWith("\r[--------------------] 0/2 steps")
        .contains("\r[--------------------] 0/2 steps  running: prepare@worker1")
        .contains("\r[##########----------] 1/2 steps")
        .contains("failed calico: boom\n")
        .endsWith("\n");
    // Exactly one line break per printed failure plus the final one: the bar itself never scrolls.
    assertThat(s.chars().filter(c -> c == '\n').count()).isEqualTo(2);
    assertThat(s).doesNotContain("started ", "done prepare");
    // The last redraw pads over the longer line it replaces.
    String last = s.substring(s.lastIndexOf('\r') + 1);
    assertThat(last.strip()).isEqualTo("[####################] 2/2 steps");
  }

  @Test
  void concurrentEventsNeverInterleaveAndTheCountsAddUp() throws Exception {
    int threads = 8;
    int perThread = 200;
    ProgressPrinter plain = printer(false);
    StringWriter ttyBuffer = new StringWriter();
    ProgressPrinter tty = new ProgressPrinter(new PrintWriter(ttyBuffer), true);
    AtomicInteger done = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      futures.add(pool.submit(() -> {
        go.await();
        for (int i = 0; i < perThread; i++) {
          Step s = step("step-" + thread + "-" + i + "@host" + thread, "host" + thread);
          for (ProgressPrinter p : List.of(plain, tty)) {
            p.stepStarted(s);
          }
          int d = done.incrementAndGet();
          for (ProgressPrinter p : List.of(plain, tty)) {
            p.stepFinished(s, Duration.ofMillis(i));
            p.progress(d, threads * perThread);
          }
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    plain.finish();
    tty.finish();

    List<String> lines = buffer.toString().lines().toList();
    assertThat(lines).hasSize(2 * threads * perThread)
        .allMatch(l -> l.matches("started step-\\d+-\\d+@host\\d+ \\(host\\d+\\)|done step-\\d+-\\d+@host\\d+ in \\d+\\.\\ds"));
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < perThread; i += 50) {
        String id = "step-" + t + "-" + i + "@host" + t;
        assertThat(lines).contains("started " + id + " (host" + t + ")");
      }
    }
    String tail = ttyBuffer.toString().substring(ttyBuffer.toString().lastIndexOf('\r') + 1);
    assertThat(tail.strip()).isEqualTo("[####################] 1600/1600 steps");
  }
}
