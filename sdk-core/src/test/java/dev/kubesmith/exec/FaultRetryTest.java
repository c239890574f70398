package dev.kubesmith.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.kube.KubernetesApi;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.NetworkPlan;
import dev.kubesmith.spec.Topology;
import dev.kubesmith.ssh.SshException;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Issue 11: one classifier, retries at one layer, bounded in total, and advice that fits the failure. */
class FaultRetryTest {
  /** A clock that only moves when the retries wait: tests of minutes of backoff run in milliseconds. */
  static final class SimulatedClock implements Retries.Sleeper {
    long now;
    final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public boolean sleep(Duration d, BooleanSupplier cancelled) {
      waits.add(d);
      now += d.toNanos();
      return true;
    }
  }

  private static Plan plan(Step... steps) {
    PlanBuilder b = new PlanBuilder();
    for (Step s : steps) {
      b.add(s);
    }
    return b.build(ClusterSpec.builder().topology(Topology.SINGLE_MASTER)
        .network(NetworkPlan.builder().podCidr("10.0.0.0/16").serviceCidr("10.96.0.0/12").build()).build());
  }

  private static Step step(String id) {
    return Step.builder().id(id).phase(Phase.PREPARE_HOSTS).host("h").description(id).build();
  }

  /** A runner whose steps fail as the supplier says, counting attempts. */
  private static StepRunner failing(AtomicInteger attempts, Supplier<RuntimeException> failure) {
    return new StepRunner() {
      @Override
      public boolean alreadyDone(Step step, StepContext context) {
        return false;
      }

      @Override
      public void run(Step step, StepContext context) {
        attempts.incrementAndGet();
        RuntimeException e = failure.get();
        if (e != null) {
          throw e;
        }
      }
    };
  }

  private static KubernetesClientException api(int code, Integer retryAfterSeconds) {
    Status status = new StatusBuilder().withCode(code).withMessage("HTTP " + code).withNewDetails()
        .withRetryAfterSeconds(retryAfterSeconds).endDetails().build();
    return new KubernetesClientException("Failure executing: PATCH at: https://api/apis/apps/v1. Message: boom.", code,
        status);
  }

  private static TransientStepException apiStep(KubernetesClientException e) {
    return new TransientStepException(null, "calico", null, null, "Kubernetes API apply failed", e);
  }

  @Test
  void aDpkgLockCountsAsTransientOnlyWithAptsExitCode() {
    String lock = "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)";

    assertThat(Fault.ofCommand(100, lock).kind()).isEqualTo(Fault.Kind.TRANSIENT_COMMAND);
    assertThat(Fault.ofCommand(1, "my script: " + lock).kind()).isEqualTo(Fault.Kind.PERMANENT);
    assertThat(Fault.ofCommand(2, "dpkg: error: dpkg frontend lock was locked by another process with pid 7").kind())
        .isEqualTo(Fault.Kind.TRANSIENT_COMMAND);
    assertThat(Fault.ofCommand(100, "E: Unable to locate package containerd").kind()).isEqualTo(Fault.Kind.PERMANENT);
  }

  @Test
  void classifiesApiAnswersAndTransportFailures() {
    assertThat(Fault.of(apiStep(api(500, null))).kind()).isEqualTo(Fault.Kind.API);
    assertThat(Fault.of(apiStep(api(503, null))).isTransient()).isTrue();
    assertThat(Fault.of(apiStep(api(429, 7))).retryAfter()).contains(Duration.ofSeconds(7));
    assertThat(Fault.of(new StepFailedException(null, "x", null, null, "", api(404, null))).isTransient()).isFalse();
    assertThat(Fault.of(new StepFailedException(null, "x", null, null, "", api(422, null))).isTransient()).isFalse();
    assertThat(Fault.of(new StepFailedException("m1", "x", "true", null, null,
        new SshException("m1", SshException.Kind.HOST_KEY, "CHANGED", null))).kind()).isEqualTo(Fault.Kind.HOST_KEY);
  }

  @Test
  void anApiServerThatCannotBeReachedIsATransientFaultWithNoHttpCodeInItsMessage() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort(); // nothing listens there once the socket is closed
    }
    String kubeconfig = """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "https://127.0.0.1:%d", insecure-skip-tls-verify: true}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        current-context: x
        """.formatted(closedPort);
    Step calico = Step.builder().id("calico").phase(Phase.POD_NETWORK).description("calico")
        .addManifests(dev.kubesmith.plan.Manifest.of("ns", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"))
        .build();
    try (KubernetesApi k = KubernetesApi.fromKubeconfig(kubeconfig, Optional.empty());
         dev.kubesmith.kube.ApiStepRunner runner = dev.kubesmith.kube.ApiStepRunner.of(k, Duration.ofSeconds(1))) {
      Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> runner.run(calico, new StepContext(
          new dev.kubesmith.ssh.Redactor())));

      assertThat(Fault.of(e).kind()).isEqualTo(Fault.Kind.API);
      assertThat(e).isInstanceOf(TransientStepException.class).hasMessageContaining("no HTTP response")
          .hasMessageNotContaining("HTTP -1");
    }
  }

  @Test
  void aCommandTimeoutIsNotRetriedAndSaysTheRemoteProcessMayStillRun() {
    AtomicInteger attempts = new AtomicInteger();
    StepRunner runner = failing(attempts, () -> new CommandTimeoutException("w1", "prepare@w1",
        "apt-get install -y containerd", Duration.ofSeconds(900),
        new SshException("w1", SshException.Kind.TIMEOUT, "command did not finish within 900 s", null)));

    assertThatThrownBy(() -> BuildExecutor.builder().runner(runner).build().execute(plan(step("prepare@w1")),
        Journal.inMemory()))
        .isInstanceOf(BuildFailedException.class)
        .hasMessageContaining("may still be running on w1").hasMessageNotContaining("run the build again to resume");
    assertThat(attempts).hasValue(1);
  }

  @Test
  void aPermanentApi500FailsAfterTheApiPolicysAttemptsWithinItsTotalBound() {
    SimulatedClock clock = new SimulatedClock();
    AtomicInteger attempts = new AtomicInteger();
    StepRunner runner = failing(attempts, () -> apiStep(api(500, null)));
    Retries retries = Retries.ofDefaults().withSleeper(clock);

    assertThatThrownBy(() -> BuildExecutor.builder().runner(runner).retries(retries).build()
        .execute(plan(step("calico")), Journal.inMemory()))
        .isInstanceOf(BuildFailedException.class).hasMessageContaining("tried 5 times");

    assertThat(attempts).hasValue(RetryPolicy.DEFAULT_MAX_ATTEMPTS); // one layer: not 5 x 5 x fabric8's 10
    Duration total = clock.waits.stream().reduce(Duration.ZERO, Duration::plus);
    assertThat(total).isLessThanOrEqualTo(RetryPolicy.DEFAULT_MAX_ELAPSED);
  }

  @Test
  void stopsRetryingOnceTheTotalBoundIsSpentWhateverTheAttemptsLeft() {
    SimulatedClock clock = new SimulatedClock();
    AtomicInteger attempts = new AtomicInteger();
    StepRunner runner = failing(attempts, () -> apiStep(api(503, null)));
    Retries retries = Retries.custom().kubernetesApi(RetryPolicy.of(1000, Duration.ofSeconds(10), Duration.ofSeconds(10))
        .withMaxElapsed(Duration.ofMinutes(1))).build().withSleeper(clock);

    assertThatThrownBy(() -> BuildExecutor.builder().runner(runner).retries(retries).build()
        .execute(plan(step("calico")), Journal.inMemory())).isInstanceOf(BuildFailedException.class);

    assertThat(Duration.ofNanos(clock.now)).isLessThanOrEqualTo(Duration.ofMinutes(1));
    assertThat(attempts.get()).isBetween(3, 13); // waits of 5-15 s (jitter) within one minute
  }

  @Test
  void a429WaitsAsLongAsTheServersRetryAfterSays() {
    SimulatedClock clock = new SimulatedClock();
    AtomicInteger attempts = new AtomicInteger();
    StepRunner runner = failing(attempts, () -> attempts.get() < 3 ? apiStep(api(429, 4)) : null);

    BuildResult r = BuildExecutor.builder().runner(runner).retries(Retries.ofDefaults().withSleeper(clock)).build()
        .execute(plan(step("calico")), Journal.inMemory());

    assertThat(r.ran()).containsExactly("calico");
    assertThat(clock.waits).containsExactly(Duration.ofSeconds(4), Duration.ofSeconds(4));
  }

  @Test
  void aChangedHostKeyIsNotRetriedAndTheMessageSaysARerunAloneCannotHelp() {
    AtomicInteger attempts = new AtomicInteger();
    StepRunner runner = failing(attempts, () -> new StepFailedException("bastion", "facts@master1", "true", null, null,
        new SshException("bastion (bastion)", SshException.Kind.HOST_KEY, "host key CHANGED", null)));

    assertThatThrownBy(() -> BuildExecutor.builder().runner(runner).build().execute(plan(step("facts@master1")),
        Journal.inMemory()))
        .isInstanceOf(BuildFailedException.class)
        .hasMessageContaining("fails the same way").hasMessageContaining("known_hosts")
        .hasMessageNotContaining("run the build again to resume");
    assertThat(attempts).hasValue(1);
  }

  @Test
  void aTransientFailureThatOutlastsItsRetriesSaysToRunTheBuildAgain() {
    AtomicInteger attempts = new AtomicInteger();
    StepRunner runner = failing(attempts, () -> new TransientStepException("w1", "prepare@w1", "apt-get update", 100,
        "E: Could not get lock /var/lib/dpkg/lock-frontend", null));
    Retries quick = Retries.custom().command(RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofMillis(2))).build();

    assertThatThrownBy(() -> BuildExecutor.builder().runner(runner).retries(quick).build()
        .execute(plan(step("prepare@w1")), Journal.inMemory()))
        .isInstanceOf(BuildFailedException.class).hasMessageContaining("tried 3 times")
        .hasMessageEndingWith("run the build again to resume");
  }

  @Test
  void countsStepsTheJournalHoldsAsDoneButNotTheAlwaysRunStepThatFailed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    Step facts = Step.builder().id("facts@h").phase(Phase.PREPARE_HOSTS).host("h").description("facts")
        .putFacts("os-id", ". /etc/os-release; echo $ID").build();
    Plan plan = plan(facts, step("a"), step("b"));
    try (Journal journal = Journal.open(dir)) {
      BuildExecutor.builder().runner(failing(new AtomicInteger(), () -> null)).build().execute(plan, journal);
    }
    StepRunner keyChanged = failing(new AtomicInteger(), () -> new StepFailedException("h", "facts@h", "true", null, null,
        new SshException("h", SshException.Kind.HOST_KEY, "host key CHANGED", null)));

    try (Journal journal = Journal.open(dir)) {
      assertThatThrownBy(() -> BuildExecutor.builder().runner(keyChanged).parallelism(1).build().execute(plan, journal))
          .isInstanceOf(BuildFailedException.class).hasMessageContaining("2 of 3 steps are done");
    }
  }

  @Test
  void theRetryLogLineHidesTheSecretsTheFailureQuotes() {
    String secret = "Minio-Root-4242-zz";
    dev.kubesmith.ssh.Redactor redactor = new dev.kubesmith.ssh.Redactor();
    redactor.add(secret);
    AtomicInteger attempts = new AtomicInteger();
    StepRunner runner = failing(attempts, () -> attempts.get() < 2 ? new TransientStepException("w1", "prepare@w1",
        "apt-get install", 100, "E: Could not get lock /var/lib/dpkg/lock-frontend; password=" + secret
        + " token abcdef.0123456789abcdef", null) : null);
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      BuildExecutor.builder().runner(runner).redactor(redactor)
          .retries(Retries.ofDefaults().withSleeper(new SimulatedClock())).build()
          .execute(plan(step("prepare@w1")), Journal.inMemory());
    } finally {
      System.setErr(err);
    }

    String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(log).contains("prepare@w1: retrying in").contains("Could not get lock").contains("***")
        .doesNotContain(secret).doesNotContain("abcdef.0123456789abcdef");
  }
}
