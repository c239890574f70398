package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.exec.BuildListener;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.Call;
import dev.kubesmith.testkit.ExecResult;
import dev.kubesmith.testkit.MockApi;
import dev.kubesmith.testkit.Sandbox;
import dev.kubesmith.testkit.SandboxHost;
import dev.kubesmith.upstream.UpstreamMirror;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator killed (SIGKILL) while kubeadm init runs: the remote kubeadm goes on, orphaned, until
 * its next write to the closed SSH channel, and a new build waits for it (the host's kubeadm lock,
 * which kubeadm inherits) before judging what it left, instead of resetting or running kubeadm
 * init beside it. The sandbox's kubeadm is stopped mid-phase by the kubeadm-block fault.
 */
class KubeadmOrphanTest {
  private static final String BLOCK = "/run/kubesmith/faults/kubeadm-block";
  private static final String LOCK = "/run/kubesmith/kubeadm.lock"; // KubeadmCommands.LOCK

  private MockApi api;
  private Sandbox sandbox;
  @TempDir Path tmp;

  /** The operator that gets killed: a separate JVM applying the spec in args[0] with the state directory args[1]. */
  public static void main(String[] args) throws Exception {
    ClusterSpec spec = ClusterSpec.fromYaml(Files.readString(Path.of(args[0])));
    System.out.println("applying");
    System.out.flush();
    Cluster.from(spec).apply(ApplyOptions.defaults().stateDirectory(Path.of(args[1])).readyTimeout(Duration.ofSeconds(20)));
    System.out.println("applied");
  }

  @BeforeEach
  void start() {
    api = MockApi.start();
    sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION).host("master1", "198.18.4.31", Role.MASTER)
        .apiServer(api.address()).build().start();
  }

  @AfterEach
  void stop() {
    sandbox.host("master1").exec("sh", "-c", "touch " + BLOCK + ".release");
    sandbox.close();
    api.close();
  }

  private Cluster cluster() {
    return Cluster.singleMaster().name("orphan").inventory(sandbox.inventory()).ssh(sandbox.ssh()).build();
  }

  private ApplyOptions options(BuildListener listener) {
    return ApplyOptions.defaults().stateDirectory(tmp.resolve("state")).readyTimeout(Duration.ofSeconds(20)).listener(listener);
  }

  @Test
  void anInitOrphanedInWaitControlPlaneIsWaitedForThenItsHalfDoneHostIsResetAndInitRunsAgain() throws Exception {
    SandboxHost master = sandbox.host("master1");
    long orphan = killOperatorWhileKubeadmIsBlockedIn("wait-control-plane");
    assertThat(master.exec("test", "-f", "/etc/kubernetes/admin.conf").exitCode()).as("the orphan had written admin.conf").isZero();
    long installs = master.calls("apt-get").size();
    CountDownLatch initStarted = new CountDownLatch(1);

    CompletableFuture<BuildResult> second = CompletableFuture.supplyAsync(() -> cluster().apply(options(startedListener(initStarted))));
    assertThat(initStarted.await(120, TimeUnit.SECONDS)).as("the new build reached kubeadm init").isTrue();
    await("the new build waits on the kubeadm lock", () -> waitingOnTheLock(master));
    assertThat(second).as("waiting for the orphan").isNotDone();
    assertThat(alive(master, orphan)).isTrue();
    master.exec("sh", "-c", "touch " + BLOCK + ".release").requireSuccess();
    BuildResult result = second.get(180, TimeUnit.SECONDS);

    assertThat(result.ran()).contains("kubeadm-init@master1").doesNotContain("prepare@master1");
    assertThat(master.calls("apt-get")).as("the killed operator's steps not run again").hasSize((int) installs);
    List<Call> inits = inits(master);
    assertThat(inits).extracting(Call::exitCode).as("the orphan died of SIGPIPE at its next line, then init ran again")
        .containsExactly(141, 0);
    assertThat(resets(master)).as("the half-done host reset once").isEqualTo(1);
    List<Instant> starts = startsOfInit(master);
    assertThat(starts).hasSize(2);
    assertThat(starts.get(1)).as("the second init started after the orphan ended").isAfterOrEqualTo(inits.get(0).time());
    assertThat(api.client().configMaps().inNamespace("kube-public").withName("cluster-info").get()).isNotNull();
    assertThat(api.client().nodes().withName("master1").get()).isNotNull();
  }

  @Test
  void anInitOrphanedAfterItsLastEffectIsNotRunAgain() throws Exception {
    SandboxHost master = sandbox.host("master1");
    long orphan = killOperatorWhileKubeadmIsBlockedIn("show-join-command");

    BuildResult result = cluster().apply(options(new BuildListener() {}));

    assertThat(result.skipped()).as("init's effect is there: done").contains("kubeadm-init@master1");
    assertThat(result.ran()).doesNotContain("kubeadm-init@master1", "prepare@master1");
    assertThat(alive(master, orphan)).as("the orphan still runs").isTrue();
    master.exec("sh", "-c", "touch " + BLOCK + ".release").requireSuccess();
    await("the orphan ends", () -> !alive(master, orphan));
    assertThat(inits(master)).extracting(Call::exitCode).containsExactly(141);
    assertThat(startsOfInit(master)).hasSize(1);
    assertThat(resets(master)).isZero();
  }

  /** Starts the operator in a child JVM, waits until its kubeadm init is blocked in the phase, SIGKILLs it; the orphan's pid. */
  private long killOperatorWhileKubeadmIsBlockedIn(String phase) throws Exception {
    SandboxHost master = sandbox.host("master1");
    master.exec("sh", "-c", "echo 'init " + phase + "' > " + BLOCK).requireSuccess();
    Path spec = Files.writeString(tmp.resolve("spec.yaml"), cluster().spec().toYaml());
    // the same upstream mirror as this JVM's (the build sets it as a system property)
    String mirror = "-D" + UpstreamMirror.PROPERTY + "=" + System.getProperty(UpstreamMirror.PROPERTY, "");
    Process operator = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), mirror,
        "-cp", System.getProperty("java.class.path"), KubeadmOrphanTest.class.getName(), spec.toString(),
        tmp.resolve("state").toString()).redirectErrorStream(true).start();
    StringBuffer output = drain(operator);
    try {
      await(() -> "kubeadm init blocked in " + phase + " (the operator said: " + output + ")",
          () -> master.exec("test", "-f", BLOCK + ".blocked").exitCode() == 0);
    } finally {
      operator.destroyForcibly(); // SIGKILL: its SSH sessions end with it, the remote kubeadm goes on
      assertThat(operator.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    long orphan = Long.parseLong(master.readFile(BLOCK + ".blocked").strip());
    assertThat(alive(master, orphan)).as("kubeadm outlives its operator").isTrue();
    assertThat(output).doesNotContain("applied");
    return orphan;
  }

  private static StringBuffer drain(Process p) {
    StringBuffer seen = new StringBuffer();
    Thread t = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          seen.append(line).append('\n');
        }
      } catch (IOException e) {
        // the process was killed
      }
    }, "operator-output");
    t.setDaemon(true);
    t.start();
    return seen;
  }

  private static BuildListener startedListener(CountDownLatch initStarted) {
    return new BuildListener() {
      @Override
      public void stepStarted(Step step) {
        if (step.id().equals("kubeadm-init@master1")) {
          initStarted.countDown();
        }
      }
    };
  }

  /** The new build's init script blocked in flock (a flock waiting on this host's lock file). */
  private static boolean waitingOnTheLock(SandboxHost master) {
    return master.exec("sh", "-c", "for p in $(pgrep -x flock); do for f in /proc/$p/fd/*; do [ \"$f\" -ef " + LOCK
        + " ] && exit 0; done; done; exit 1").exitCode() == 0;
  }

  private static boolean alive(SandboxHost master, long pid) {
    return master.exec("sh", "-c", "s=$(cat /proc/" + pid + "/stat 2>/dev/null) && [ \"$(echo \"${s##*) }\" | cut -c1)\" != Z ]")
        .exitCode() == 0;
  }

  private static List<Call> inits(SandboxHost master) {
    return master.calls("kubeadm").stream().filter(c -> !c.args().isEmpty() && c.args().get(0).equals("init")
        && !c.args().contains("phase")).toList();
  }

  private static long resets(SandboxHost master) {
    return master.calls("kubeadm").stream().filter(c -> c.args().contains("reset")).count();
  }

  /** When each kubeadm init started (the stub's kubeadm-runs.log). */
  private static List<Instant> startsOfInit(SandboxHost master) {
    ExecResult log = master.exec("sh", "-c", "cat /run/kubesmith/kubeadm-runs.log 2>/dev/null");
    return log.stdout().lines().map(l -> l.split("\t")).filter(f -> f.length == 3 && f[2].equals("init"))
        .map(f -> {
          BigDecimal s = new BigDecimal(f[0]);
          return Instant.ofEpochSecond(s.longValue(), s.remainder(BigDecimal.ONE).movePointRight(9).longValue());
        }).toList();
  }

  private static void await(String what, BooleanSupplier condition) {
    await(() -> what, condition);
  }

  private static void await(Supplier<String> what, BooleanSupplier condition) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError(what.get() + ": not within 120 s");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
