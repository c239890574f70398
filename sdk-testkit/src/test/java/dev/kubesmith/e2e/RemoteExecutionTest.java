package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.exec.BuildExecutor;
import dev.kubesmith.exec.BuildFailedException;
import dev.kubesmith.exec.BuildListener;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.exec.Journal;
import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Secrets;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Role;
import dev.kubesmith.ssh.Redactor;
import dev.kubesmith.ssh.SshException;
import dev.kubesmith.testkit.Sandbox;
import dev.kubesmith.testkit.SandboxBuild;
import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.exec.Retries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3 on real sshd: the SSH layer and the executor against eight simulated hosts, every
 * connection through the bastion.
 */
class RemoteExecutionTest {
  private static final List<String> NODES = List.of("master1", "worker1", "worker2", "worker3", "worker4", "worker5",
      "worker6");
  private static Sandbox sandbox;
  private static ClusterSpec spec;

  @TempDir Path dir;

  private static ClusterSpec spec(Sandbox sandbox, Ssh ssh) {
    return SandboxBuild.on(sandbox, ssh).spec();
  }

  private static BuildExecutor executor(ClusterSpec unused, Duration timeout, BuildListener listener, Redactor redactor,
      Retries retries) {
    return executor(sandbox.ssh().connectTimeoutSeconds(3), timeout, listener, redactor);
  }

  private static BuildExecutor executor(Ssh ssh, Duration timeout, BuildListener listener, Redactor redactor) {
    return SandboxBuild.on(sandbox, ssh).commandTimeout(timeout).listener(listener).redactor(redactor).executor();
  }

  private static Plan plan(ClusterSpec spec, List<Step> steps) {
    return SandboxBuild.on(sandbox).plan(steps.toArray(Step[]::new));
  }

  private static Step step(String id, Phase phase, String host, String... commands) {
    return Step.builder().id(id).phase(phase).host(host).description(id).addCommands(commands).build();
  }

  private static final Retries FAST = SandboxBuild.QUICK_RETRIES;

  @BeforeAll
  static void start() {
    Sandbox.Builder b = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
        .host("master1", "198.18.4.31", Role.MASTER);
    for (int i = 1; i <= 6; i++) {
      b.host("worker" + i, "198.18.4.4" + i, Role.WORKER);
    }
    b.host("worker7", "198.18.4.47", Role.WORKER); // its host key gets changed; the plans leave it alone
    sandbox = b.build().start();
    spec = spec(sandbox, sandbox.ssh().connectTimeoutSeconds(3));
  }

  @AfterAll
  static void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  /** Per node: write a file (phase 1), read it back and install a package (phase 2); then one final step. */
  private static Plan threePhasePlan(String tag) {
    List<Step> steps = new ArrayList<>();
    for (String h : NODES) {
      steps.add(Step.builder().id("write@" + h).phase(Phase.PREPARE_HOSTS).host(h).description("write")
          .addFiles(FileArtifact.of("/etc/kubesmith/e2e.conf", "host=" + h + " tag=" + tag + "\n", 0640))
          .check("grep -qx 'host=" + h + " tag=" + tag + "' /etc/kubesmith/e2e.conf").build());
      steps.add(Step.builder().id("install@" + h).phase(Phase.FIREWALL).host(h).description("install")
          .addDependsOn("write@" + h).addCommands("grep -q " + tag + " /etc/kubesmith/e2e.conf",
              "apt-get install -y e2e-" + tag).build());
    }
    steps.add(Step.builder().id("final@master1").phase(Phase.NODES).host("master1").description("final")
        .addAfterPhases(Phase.FIREWALL).addCommands("systemctl restart e2e-" + tag, "touch /root/e2e-" + tag + "-done")
        .build());
    return plan(spec, steps);
  }

  @Test
  void runsAMultiPhasePlanOnEveryHostThroughTheBastion() {
    BuildResult result = executor(spec, Duration.ofSeconds(30), BuildListener.NONE, new Redactor(), FAST)
        .execute(threePhasePlan("first"), Journal.inMemory());

    assertThat(result.ran()).hasSize(2 * NODES.size() + 1);
    for (String h : NODES) {
      assertThat(sandbox.host(h).readFile("/etc/kubesmith/e2e.conf")).isEqualTo("host=" + h + " tag=first\n");
      assertThat(sandbox.host(h).exec("stat", "-c", "%a %U", "/etc/kubesmith/e2e.conf").stdout().strip())
          .isEqualTo("640 root");
      assertThat(sandbox.host(h).calls("apt-get")).anySatisfy(c -> assertThat(c.args()).contains("e2e-first"));
    }
    assertThat(sandbox.host("master1").exec("test", "-f", "/root/e2e-first-done").exitCode()).isZero();
  }

  @Test
  void aFailedStepRunAgainResumesWithoutRepeatingCompletedSteps() {
    sandbox.host("master1").failNext("systemctl", 1, 1, "Failed to restart e2e-resume.service: Unit not found.");
    Plan plan = threePhasePlan("resume");

    try (Journal journal = Journal.open(dir)) {
      assertThatThrownBy(() -> executor(spec, Duration.ofSeconds(30), BuildListener.NONE, new Redactor(), FAST)
          .execute(plan, journal))
          .isInstanceOf(BuildFailedException.class)
          .hasMessageContaining("final@master1").hasMessageContaining("master1")
          .hasMessageContaining("systemctl restart e2e-resume").hasMessageContaining("exited 1")
          .hasMessageContaining("Unit not found");
    }
    List<Integer> installsBefore = NODES.stream().map(h -> installs(h, "e2e-resume")).toList();
    assertThat(installsBefore).containsOnly(1);
    int restarts = restarts();
    assertThat(restarts).isEqualTo(1); // a deterministic failure is not retried

    try (Journal journal = Journal.open(dir)) {
      BuildResult second = executor(spec, Duration.ofSeconds(30), BuildListener.NONE, new Redactor(), FAST)
          .execute(plan, journal);
      assertThat(second.ran()).containsExactly("final@master1");
      assertThat(second.skipped()).hasSize(2 * NODES.size());
    }
    assertThat(NODES.stream().map(h -> installs(h, "e2e-resume")).toList()).isEqualTo(installsBefore);
    assertThat(restarts()).isEqualTo(restarts + 1);
  }

  private static int restarts() {
    return (int) sandbox.host("master1").calls("systemctl").stream().filter(c -> c.args().contains("e2e-resume")).count();
  }

  private static int installs(String host, String pkg) {
    return (int) sandbox.host(host).calls("apt-get").stream().filter(c -> c.args().contains(pkg)).count();
  }

  @Test
  void aCommandThatTimesOutWhileItsConnectionIsDroppedIsNotRetriedAndMayStillRun() throws Exception {
    AtomicInteger retries = new AtomicInteger();
    java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    BuildListener dropMidCommand = new BuildListener() {
      @Override
      public void stepStarted(Step step) {
        if (step.id().equals("slow@worker2") && retries.get() == 0) {
          // the command is running by then: its exit status is lost and the 3 s command timeout fires
          timer.schedule(() -> sandbox.host("worker2").dropConnections(Duration.ofSeconds(4)), 700,
              java.util.concurrent.TimeUnit.MILLISECONDS);
        }
      }

      @Override
      public void stepRetried(Step step, int attempt, Duration wait, Throwable error) {
        retries.incrementAndGet();
      }
    };
    executor(spec, Duration.ofSeconds(30), BuildListener.NONE, new Redactor(), FAST).execute(
        plan(spec, List.of(step("warm@worker2", Phase.PREPARE_HOSTS, "worker2", "true"))), Journal.inMemory());
    Plan plan = plan(spec, List.of(step("slow@worker2", Phase.PREPARE_HOSTS, "worker2",
        "sleep 2; echo ran >> /root/slow-runs")));

    try {
      assertThatThrownBy(() -> executor(spec, Duration.ofSeconds(3), dropMidCommand, new Redactor(), FAST)
          .execute(plan, Journal.inMemory()))
          .isInstanceOf(BuildFailedException.class).hasMessageContaining("may still be running on worker2");
    } finally {
      timer.shutdownNow();
    }
    assertThat(retries.get()).isZero();
    // the remote process did go on running after the timeout: a retry would have run a second copy beside it
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (sandbox.host("worker2").exec("test", "-f", "/root/slow-runs").exitCode() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(sandbox.host("worker2").readFile("/root/slow-runs")).isEqualTo("ran\n");
  }

  @Test
  void refusesAChangedHostKeyNamingBothFingerprintsWithoutRetrying() {
    String before = sandbox.host("worker7").hostKey();
    sandbox.host("worker7").changeHostKey();
    AtomicInteger retries = new AtomicInteger();
    BuildListener count = new BuildListener() {
      @Override
      public void stepRetried(Step step, int attempt, Duration wait, Throwable error) {
        retries.incrementAndGet();
      }
    };
    Plan plan = plan(spec, List.of(step("touch@worker7", Phase.PREPARE_HOSTS, "worker7", "true")));

    assertThatThrownBy(() -> executor(spec, Duration.ofSeconds(10), count, new Redactor(), FAST)
        .execute(plan, Journal.inMemory()))
        .isInstanceOf(BuildFailedException.class)
        .satisfies(e -> {
          SshException ssh = findCause(e, SshException.class);
          assertThat(ssh.kind()).isEqualTo(SshException.Kind.HOST_KEY);
          assertThat(ssh.getMessage()).contains("worker7", "CHANGED", "198.18.4.47");
          assertThat(ssh.getMessage().split("SHA256:", -1)).hasSize(3); // both fingerprints
        });
    assertThat(retries.get()).isZero();
    assertThat(sandbox.host("worker7").hostKey()).isNotEqualTo(before);
  }

  @Test
  void failsFastOnAWrongKeyWithAnAuthenticationErrorAndNoRetry(@TempDir Path keys) throws Exception {
    Path wrong = keys.resolve("id_ed25519");
    Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", wrong.toString())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor()).isZero();
    ClusterSpec wrongKey = spec(sandbox, sandbox.ssh().privateKey(wrong));
    AtomicInteger retries = new AtomicInteger();
    BuildListener count = new BuildListener() {
      @Override
      public void stepRetried(Step step, int attempt, Duration wait, Throwable error) {
        retries.incrementAndGet();
      }
    };
    Plan plan = plan(wrongKey, List.of(step("touch@worker6", Phase.PREPARE_HOSTS, "worker6", "true")));

    assertThatThrownBy(() -> executor(sandbox.ssh().privateKey(wrong), Duration.ofSeconds(10), count, new Redactor())
        .execute(plan, Journal.inMemory()))
        .isInstanceOf(BuildFailedException.class)
        .satisfies(e -> {
          SshException ssh = findCause(e, SshException.class);
          assertThat(ssh.kind()).isEqualTo(SshException.Kind.AUTHENTICATION);
          assertThat(ssh.getMessage()).contains("authorized_keys");
        });
    assertThat(retries.get()).isZero();
  }

  @Test
  void keepsSecretsOutOfLogsAndErrors() throws Exception {
    String secret = "s3cr3t-" + Long.toHexString(System.nanoTime());
    sandbox.host("master1").writeFile("/root/token", secret + "\n"); // as kubeadm would hold it
    Step capture = Step.builder().id("capture@master1").phase(Phase.CONTROL_PLANE).host("master1")
        .description("capture").putCaptures("join-token", "cat /root/token").build();
    Step use = Step.builder().id("use@worker4").phase(Phase.JOIN_WORKERS).host("worker4").description("use")
        .addDependsOn("capture@master1")
        .addFiles(FileArtifact.of("/etc/kubesmith/token", Secrets.placeholder("join-token") + "\n", 0600))
        .addCommands("echo using " + Secrets.placeholder("join-token") + " >&2",
            "grep -q " + Secrets.placeholder("join-token") + " /etc/kubesmith/token",
            "echo " + Secrets.placeholder("join-token") + " >&2; exit 7").build();
    Redactor redactor = new Redactor();
    BuildExecutor executor = executor(spec, Duration.ofSeconds(30), BuildListener.NONE, redactor, FAST);

    Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() ->
        executor.execute(plan(spec, List.of(capture, use)), Journal.inMemory()));

    assertThat(sandbox.host("worker4").readFile("/etc/kubesmith/token")).isEqualTo(secret + "\n"); // it was used
    assertThat(failure).isInstanceOf(BuildFailedException.class).hasMessageContaining("exited 7");
    List<String> messages = new ArrayList<>();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      messages.add(String.valueOf(t.getMessage()));
    }
    assertThat(messages).noneMatch(m -> m.contains(secret));
    assertThat(failure.getMessage()).contains("***"); // the stderr tail held the secret, redacted
    Path log = Path.of(System.getProperty("kubesmith.test.log"));
    String logged = Files.readString(log);
    assertThat(logged).contains("worker4$ echo using *** >&2").contains("worker4 stderr: using ***");
    assertThat(logged).doesNotContain(secret);
  }

  @Test
  void trustOnFirstUseRecordsUnknownKeysButStillRefusesAChangedOne(@TempDir Path tmp) throws Exception {
    Path knownHosts = tmp.resolve("known_hosts");
    Ssh tofu = sandbox.ssh().knownHosts(knownHosts).trustOnFirstUse();

    executor(tofu, Duration.ofSeconds(10), BuildListener.NONE, new Redactor())
        .execute(plan(spec, List.of(step("hello@worker1", Phase.PREPARE_HOSTS, "worker1", "true"))), Journal.inMemory());

    List<String> recorded = Files.readAllLines(knownHosts);
    assertThat(recorded).anyMatch(l -> l.startsWith(sandbox.bastionAddress() + " "))
        .anyMatch(l -> l.startsWith("198.18.4.41 "));
    // swap worker1's recorded key for the bastion's: to the verifier, worker1's key has now changed
    String bastionKey = recorded.stream().filter(l -> l.startsWith(sandbox.bastionAddress() + " ")).findFirst()
        .orElseThrow().split(" ", 2)[1];
    Files.write(knownHosts, recorded.stream().map(l -> l.startsWith("198.18.4.41 ") ? "198.18.4.41 " + bastionKey : l)
        .toList());

    assertThatThrownBy(() -> executor(tofu, Duration.ofSeconds(10), BuildListener.NONE, new Redactor())
        .execute(plan(spec, List.of(step("again@worker1", Phase.PREPARE_HOSTS, "worker1", "true"))), Journal.inMemory()))
        .isInstanceOf(BuildFailedException.class)
        .satisfies(e -> assertThat(findCause(e, SshException.class).kind()).isEqualTo(SshException.Kind.HOST_KEY));
  }

  @Test
  void authenticatesWithAPassphraseProtectedKey(@TempDir Path keys) throws Exception {
    Path key = keys.resolve("id_ed25519");
    Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "correct horse", "-f", key.toString())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor()).isZero();
    String pub = Files.readString(keys.resolve("id_ed25519.pub"));
    for (String h : List.of("bastion", "worker6")) {
      String existing = sandbox.host(h).readFile("/run/kubesmith/authorized_keys");
      sandbox.host(h).writeFile("/run/kubesmith/authorized_keys", existing + pub);
    }
    Ssh withPassphrase = sandbox.ssh().privateKey(key).passphrase("correct horse".toCharArray());

    BuildResult r = SandboxBuild.on(sandbox, withPassphrase).run(
        step("hello@worker6", Phase.PREPARE_HOSTS, "worker6", "touch /root/passphrase-ok"));

    assertThat(r.ran()).containsExactly("hello@worker6");
    assertThat(sandbox.host("worker6").exec("test", "-f", "/root/passphrase-ok").exitCode()).isZero();
    assertThat(withPassphrase.toString()).doesNotContain("correct horse");
  }

  private static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in the causes of " + e);
  }
}
