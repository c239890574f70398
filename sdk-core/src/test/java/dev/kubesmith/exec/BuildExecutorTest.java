package dev.kubesmith.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.NetworkPlan;
import dev.kubesmith.spec.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildExecutorTest {
  private static final Retries FAST = Retries.custom()
      .command(RetryPolicy.of(4, Duration.ofMillis(1), Duration.ofMillis(5)))
      .connect(RetryPolicy.of(4, Duration.ofMillis(1), Duration.ofMillis(5))).build();

  @TempDir Path dir;

  /** A runner that records what ran and lets a test decide what each step does. */
  static final class FakeRunner implements StepRunner {
    final List<String> ran = Collections.synchronizedList(new ArrayList<>());
    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    volatile BiConsumer<Step, Integer> behaviour = (s, n) -> {};
    volatile boolean closed;

    @Override
    public boolean alreadyDone(Step step, StepContext context) {
      return false;
    }

    @Override
    public void run(Step step, StepContext context) {
      int n = attempts.computeIfAbsent(step.id(), k -> new AtomicInteger()).incrementAndGet();
      behaviour.accept(step, n);
      ran.add(step.id());
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static Step step(String id, String host, String... deps) {
    return Step.builder().id(id).phase(Phase.PREPARE_HOSTS).host(host).description(id).addDependsOn(deps).build();
  }

  private static Plan plan(Step... steps) {
    PlanBuilder b = new PlanBuilder();
    for (Step s : steps) {
      b.add(s);
    }
    ClusterSpec spec = ClusterSpec.builder().topology(Topology.SINGLE_MASTER)
        .network(NetworkPlan.builder().podCidr("10.0.0.0/16").serviceCidr("10.96.0.0/12").build()).build();
    return b.build(spec);
  }

  private static BuildExecutor executor(StepRunner runner, int parallelism, BuildListener listener) {
    return BuildExecutor.builder().runner(runner).parallelism(parallelism).listener(listener).retries(FAST).build();
  }

  @Test
  void runsEveryStepAfterItsDependencies() {
    FakeRunner runner = new FakeRunner();
    Plan plan = plan(step("a", "h1"), step("b", "h2", "a"), step("c", "h3", "a"), step("d", "h1", "b", "c"));

    BuildResult result = executor(runner, 4, BuildListener.NONE).execute(plan, Journal.inMemory());

    assertThat(result.ran()).containsExactlyInAnyOrder("a", "b", "c", "d");
    assertThat(runner.ran.indexOf("a")).isLessThan(runner.ran.indexOf("b")).isLessThan(runner.ran.indexOf("d"));
    assertThat(runner.ran.indexOf("c")).isLessThan(runner.ran.indexOf("d"));
    assertThat(runner.closed).isTrue();
  }

  @Test
  void runsDifferentHostsInParallelUpToTheLimit() throws Exception {
    CyclicBarrier fourAtOnce = new CyclicBarrier(4);
    AtomicInteger now = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    FakeRunner runner = new FakeRunner();
    runner.behaviour = (s, n) -> {
      max.accumulateAndGet(now.incrementAndGet(), Math::max);
      try {
        fourAtOnce.await(10, TimeUnit.SECONDS); // only returns when four steps run at the same time
      } catch (Exception e) {
        throw new IllegalStateException("four steps never ran at once", e);
      } finally {
        now.decrementAndGet();
      }
    };
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      steps.add(step("s" + i, "h" + i));
    }

    executor(runner, 4, BuildListener.NONE).execute(plan(steps.toArray(Step[]::new)), Journal.inMemory());

    assertThat(max.get()).isEqualTo(4);
  }

  @Test
  void runsStepsOnOneHostOneAtATime() {
    AtomicInteger onHost = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    FakeRunner runner = new FakeRunner();
    runner.behaviour = (s, n) -> {
      max.accumulateAndGet(onHost.incrementAndGet(), Math::max);
      Thread.onSpinWait();
      onHost.decrementAndGet();
    };

    executor(runner, 8, BuildListener.NONE).execute(
        plan(step("x1", "h"), step("x2", "h"), step("x3", "h"), step("x4", "h")), Journal.inMemory());

    assertThat(max.get()).isEqualTo(1);
    assertThat(runner.ran).containsExactly("x1", "x2", "x3", "x4");
  }

  @Test
  void failedBuildNamesTheStepAndResumesWithoutRepeatingDoneSteps() {
    FakeRunner runner = new FakeRunner();
    runner.behaviour = (s, n) -> {
      if (s.id().equals("join-worker@w2")) {
        throw new StepFailedException("w2", s.id(), "kubeadm join --config /etc/kubernetes/kubeadm-join.yaml", 1,
            "error execution phase preflight: connection refused", null);
      }
    };
    Plan plan = plan(step("prepare@w1", "w1"), step("prepare@w2", "w2"),
        step("join-worker@w1", "w1", "prepare@w1"), step("join-worker@w2", "w2", "prepare@w2"),
        step("nodes", "m1", "join-worker@w1", "join-worker@w2"));

    try (Journal journal = Journal.open(dir)) {
      // one step at a time, so join-worker@w1 (earlier in plan order) is done before w2 fails
      assertThatThrownBy(() -> executor(runner, 1, BuildListener.NONE).execute(plan, journal))
          .isInstanceOf(BuildFailedException.class)
          .hasMessageContaining("join-worker@w2").hasMessageContaining("w2")
          .hasMessageContaining("kubeadm join").hasMessageContaining("exited 1")
          .hasMessageContaining("connection refused").hasMessageContaining("run the build again to resume");
    }
    assertThat(runner.ran).doesNotContain("nodes");

    FakeRunner fixed = new FakeRunner();
    try (Journal journal = Journal.open(dir)) {
      BuildResult second = executor(fixed, 4, BuildListener.NONE).execute(plan, journal);
      assertThat(second.skipped()).containsExactlyInAnyOrder("prepare@w1", "prepare@w2", "join-worker@w1");
      assertThat(fixed.ran).containsExactly("join-worker@w2", "nodes");
    }
    try (Journal journal = Journal.open(dir)) {
      assertThat(executor(new FakeRunner(), 4, BuildListener.NONE).execute(plan, journal).changedNothing()).isTrue();
    }
  }

  @Test
  void aChangedStepRunsAgainDespiteTheJournal() {
    try (Journal journal = Journal.open(dir)) {
      executor(new FakeRunner(), 2, BuildListener.NONE).execute(plan(step("a", "h")), journal);
    }
    Step changed = Step.builder().from(step("a", "h")).addCommands("echo new").build();
    FakeRunner runner = new FakeRunner();
    try (Journal journal = Journal.open(dir)) {
      executor(runner, 2, BuildListener.NONE).execute(plan(changed), journal);
    }
    assertThat(runner.ran).containsExactly("a");
  }

  @Test
  void retriesTransientFailuresAndReportsEachRetry() {
    FakeRunner runner = new FakeRunner();
    runner.behaviour = (s, n) -> {
      if (n <= 2) {
        throw new TransientStepException("h", s.id(), "apt-get install -y containerd", 100,
            "E: Could not get lock /var/lib/dpkg/lock-frontend", null);
      }
    };
    List<Integer> retries = Collections.synchronizedList(new ArrayList<>());
    BuildListener listener = new BuildListener() {
      @Override
      public void stepRetried(Step step, int attempt, Duration wait, Throwable error) {
        retries.add(attempt);
      }
    };

    BuildResult r = executor(runner, 2, listener).execute(plan(step("prepare@h", "h")), Journal.inMemory());

    assertThat(r.ran()).containsExactly("prepare@h");
    assertThat(runner.attempts.get("prepare@h")).hasValue(3);
    assertThat(retries).containsExactly(1, 2);
  }

  @Test
  void neverRetriesADeterministicFailure() {
    FakeRunner runner = new FakeRunner();
    runner.behaviour = (s, n) -> {
      throw new StepFailedException("h", s.id(), "false", 1, "", null);
    };

    assertThatThrownBy(() -> executor(runner, 2, BuildListener.NONE).execute(plan(step("a", "h")), Journal.inMemory()))
        .isInstanceOf(BuildFailedException.class);
    assertThat(runner.attempts.get("a")).hasValue(1);
  }

  @Test
  void startsNoNewStepAfterAFailureButLetsRunningStepsFinish() throws Exception {
    CountDownLatch failed = new CountDownLatch(1);
    FakeRunner runner = new FakeRunner();
    runner.behaviour = (s, n) -> {
      if (s.id().equals("bad")) {
        throw new StepFailedException("h1", "bad", "exit 3", 3, "", null);
      }
      if (s.id().equals("slow")) {
        try {
          failed.await(10, TimeUnit.SECONDS); // still running when the other step fails
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    Plan plan = plan(step("bad", "h1"), step("slow", "h2"), step("after-slow", "h2", "slow"));

    // "slow" finishes once the executor has recorded the failure (stepFailed), not merely once
    // "bad" threw: a step that completes before the failure is known may still release its dependents
    BuildListener onFailure = new BuildListener() {
      @Override
      public void stepFailed(Step step, Throwable error) {
        failed.countDown();
      }
    };
    assertThatThrownBy(() -> executor(runner, 4, onFailure).execute(plan, Journal.inMemory()))
        .isInstanceOf(BuildFailedException.class).hasMessageContaining("bad");

    assertThat(runner.ran).containsExactly("slow");
  }

  @Test
  void refusesASecondBuildOfTheSameCluster() {
    try (Journal first = Journal.open(dir)) {
      assertThatThrownBy(() -> Journal.open(dir)).isInstanceOf(BuildLockedException.class)
          .hasMessageContaining("already running");
    }
    try (Journal again = Journal.open(dir)) {
      assertThat(again.directory()).isEqualTo(dir.toAbsolutePath().normalize());
    }
  }

  @Test
  void cancellingStopsTheBuildAndLeavesNoThreadBehind() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    FakeRunner runner = new FakeRunner();
    runner.behaviour = (s, n) -> {
      started.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    BuildExecutor executor = executor(runner, 2, BuildListener.NONE);
    Thread canceller = new Thread(() -> {
      try {
        started.await(10, TimeUnit.SECONDS);
        executor.cancel();
        release.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    canceller.start();

    assertThatThrownBy(() -> executor.execute(plan(step("a", "h"), step("b", "h", "a")), Journal.inMemory()))
        .isInstanceOfSatisfying(BuildFailedException.class, e -> assertThat(e.cancelled()).isTrue());
    canceller.join();

    assertThat(runner.ran).containsExactly("a");
    assertThat(runner.closed).isTrue();
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("kubesmith-build-") && t.isAlive());
  }

  @Test
  void stepsThatCaptureSecretsAlwaysRunAndTheirValuesStayOutOfTheJournal() throws Exception {
    Step creds = Step.builder().id("join-credentials@m1").phase(Phase.CONTROL_PLANE).host("m1").description("creds")
        .putCaptures("join-token", "kubeadm token create").build();
    FakeRunner runner = new FakeRunner();
    runner.behaviour = (s, n) -> { };
    StepRunner capturing = new StepRunner() {
      @Override
      public boolean alreadyDone(Step step, StepContext context) {
        return true; // a check that claims done must not skip a capturing step
      }

      @Override
      public void run(Step step, StepContext context) {
        runner.run(step, context);
        context.putSecret("join-token", "abcdef.0123456789abcdef");
      }
    };
    for (int i = 0; i < 2; i++) {
      try (Journal journal = Journal.open(dir)) {
        executor(capturing, 1, BuildListener.NONE).execute(plan(creds), journal);
      }
    }
    assertThat(runner.ran).containsExactly("join-credentials@m1", "join-credentials@m1");
    assertThat(Files.readString(dir.resolve("journal.log"))).doesNotContain("abcdef.0123456789abcdef");
  }

  @Test
  void twoBuildsOfDifferentClustersRunAtOnceWithoutSharingState(@TempDir Path other) throws Exception {
    CyclicBarrier bothRunning = new CyclicBarrier(2);
    FakeRunner a = new FakeRunner();
    FakeRunner b = new FakeRunner();
    BiConsumer<Step, Integer> meet = (s, n) -> {
      if (s.id().endsWith("1")) {
        try {
          bothRunning.await(10, TimeUnit.SECONDS); // proves the two builds overlap in time
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
    a.behaviour = meet;
    b.behaviour = meet;
    BuildExecutor first = executor(a, 2, BuildListener.NONE);
    BuildExecutor second = executor(b, 2, BuildListener.NONE);
    first.context().putSecret("join-token", "token-of-cluster-a");
    List<Object> results = Collections.synchronizedList(new ArrayList<>());
    Thread ta = new Thread(() -> {
      try (Journal j = Journal.open(dir)) {
        results.add(first.execute(plan(step("a1", "h1"), step("a2", "h1", "a1")), j));
      }
    });
    Thread tb = new Thread(() -> {
      try (Journal j = Journal.open(other)) {
        results.add(second.execute(plan(step("b1", "h1"), step("b2", "h1", "b1")), j));
      }
    });
    ta.start();
    tb.start();
    ta.join(20_000);
    tb.join(20_000);

    assertThat(results).hasSize(2).allMatch(r -> r instanceof BuildResult);
    assertThat(a.ran).containsExactly("a1", "a2");
    assertThat(b.ran).containsExactly("b1", "b2");
    assertThat(second.context().hasSecret("join-token")).isFalse();
  }

  @Test
  void rejectsBadRetrySettingsInTheSetter() {
    assertThatThrownBy(() -> RetryPolicy.of(0, Duration.ofSeconds(1), Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> RetryPolicy.of(3, Duration.ofSeconds(5), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInterval");
    assertThatThrownBy(() -> BuildExecutor.builder().parallelism(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
