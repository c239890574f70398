package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.exec.BuildExecutor;
import dev.kubesmith.exec.BuildFailedException;
import dev.kubesmith.exec.BuildListener;
import dev.kubesmith.exec.Journal;
import dev.kubesmith.exec.Retries;
import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Role;
import dev.kubesmith.ssh.SshException;
import dev.kubesmith.testkit.Sandbox;
import dev.kubesmith.testkit.SandboxBuild;
import dev.kubesmith.testkit.SandboxExtension;
import dev.kubesmith.testkit.SandboxHost;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11 on real sshd: what a host must never do to a build (hang it when it dies, wait for input)
 * and what an upload must never leave readable, with root and with a non-root SSH user.
 */
class HostSessionSafetyTest {
  @RegisterExtension
  static final SandboxExtension SANDBOX = SandboxExtension.of(Sandbox.builder()
      .host("bastion", "198.18.4.10", Role.BASTION)
      .host("master1", "198.18.4.31", Role.MASTER)
      .host("worker1", "198.18.4.41", Role.WORKER)
      .host("worker2", "198.18.4.42", Role.WORKER)
      .host("worker3", "198.18.4.43", Role.WORKER));

  private static Step step(String id, String host, String... commands) {
    return Step.builder().id(id).phase(Phase.PREPARE_HOSTS).host(host).description(id).addCommands(commands).build();
  }

  @Test
  void failsWithinSecondsNamingAHostThatStopsAnsweringMidCommandAndLetsOtherHostsFinish() throws Exception {
    // given: worker3 goes silent (packets dropped, not refused) while its command runs; worker1 works on
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    BuildListener killWorker3 = new BuildListener() {
      @Override
      public void stepStarted(Step step) {
        if (step.id().equals("hang@worker3")) {
          timer.schedule(() -> SANDBOX.host("worker3").dropConnections(Duration.ofSeconds(90)), 500, TimeUnit.MILLISECONDS);
        }
      }
    };
    Plan plan = SandboxBuild.on(SANDBOX.sandbox()).plan(
        step("hang@worker3", "worker3", "sleep 300"),
        step("count@worker1", "worker1", "for i in $(seq 1 22); do sleep 1; echo $i >> /root/ticks; done"));
    BuildExecutor executor = SandboxBuild.on(SANDBOX.sandbox()).commandTimeout(Duration.ofSeconds(900))
        .listener(killWorker3).executor();

    // when: bounded well below the 900 s command timeout the build would otherwise wait out
    Throwable failure;
    try {
      failure = CompletableFuture.supplyAsync(() -> catchThrowable(() -> executor.execute(plan, Journal.inMemory())))
          .get(45, TimeUnit.SECONDS);
    } finally {
      timer.shutdownNow();
    }

    // then
    assertThat(failure).isInstanceOf(BuildFailedException.class)
        .hasMessageContaining("hang@worker3").hasMessageContaining("worker3").hasMessageContaining("stopped answering")
        .hasMessageContaining("may still be running");
    assertThat(cause(failure, SshException.class).kind()).isEqualTo(SshException.Kind.UNRESPONSIVE);
    assertThat(((BuildFailedException) failure).completed()).containsExactly("count@worker1");
    assertThat(SANDBOX.host("worker1").readFile("/root/ticks").lines().toList())
        .isEqualTo(java.util.stream.IntStream.rangeClosed(1, 22).mapToObj(String::valueOf).toList());
  }

  @Test
  void closesStdinSoACommandWaitingForInputEndsAtOnce() {
    // given: a command that waits for a line on stdin, as a dpkg conffile prompt does
    Step read = step("read@worker2", "worker2",
        "if read -r line; then echo \"read $line\" > /root/stdin; else echo eof > /root/stdin; fi");

    // when: the command timeout is far above what the command needs with its input closed
    SandboxBuild.on(SANDBOX.sandbox()).commandTimeout(Duration.ofSeconds(15)).retries(Retries.none()).run(read);

    // then
    assertThat(SANDBOX.host("worker2").readFile("/root/stdin")).isEqualTo("eof\n");
  }

  @Test
  void uploadsASecretAsANonRootUserWithoutAnyCopyReadableByOthersAndWithTheStepsMode() {
    // given: the build logs in as ops (sudo) and a spy in front of the tools an upload may use
    // records every file holding the secret, with its mode and owner, each time one of them runs
    Sandbox sandbox = SANDBOX.sandbox();
    sandbox.host("bastion").addSudoUser("ops");
    SandboxHost worker = sandbox.host("worker1");
    worker.addSudoUser("ops");
    String secret = "pw-" + Long.toHexString(System.nanoTime());
    spy(worker, secret, "cat", "chown", "chmod", "mv", "cp", "install", "tee", "dd");
    Ssh ops = Ssh.user("ops").privateKey(sandbox.clientKey()).knownHosts(sandbox.knownHosts()).bastion("bastion");
    Step upload = Step.builder().id("secret@worker1").phase(Phase.PREPARE_HOSTS).host("worker1").description("secret")
        .addFiles(FileArtifact.of("/etc/kubesmith-test/minio.env", "MINIO_ROOT_PASSWORD=" + secret + "\n", 0640)).build();

    // when
    try {
      SandboxBuild.on(sandbox, ops).retries(Retries.none()).run(upload);
    } finally {
      worker.exec("sh", "-c", "cd /usr/local/bin && rm -f cat chown chmod mv cp install tee dd");
    }

    // then: every copy the spy saw was root's and no more readable than the final file (0640)
    List<String> seen = worker.readFile("/root/upload-spy.log").lines().filter(l -> !l.isBlank()).toList();
    assertThat(seen).isNotEmpty().allSatisfy(line -> {
      String[] f = line.split(" ", 3); // mode owner path
      assertThat(f[1]).as(line).isEqualTo("root");
      assertThat(Integer.parseInt(f[0], 8) & ~0640).as(line).isZero();
    });
    assertThat(worker.exec("stat", "-c", "%a %U:%G", "/etc/kubesmith-test/minio.env").stdout().strip())
        .isEqualTo("640 root:root");
    assertThat(worker.readFile("/etc/kubesmith-test/minio.env")).isEqualTo("MINIO_ROOT_PASSWORD=" + secret + "\n");
    assertThat(worker.exec("sh", "-c", "grep -rl " + secret + " /tmp /var/tmp /home; true").stdout()).isEmpty();
  }

  @Test
  void restoresTheSelinuxLabelOfAnUploadedFileWhereSelinuxIsOn() {
    // given: a host where SELinux is on (stand-ins: selinuxenabled says yes, restorecon records its calls)
    SandboxHost worker = SANDBOX.host("worker2");
    worker.writeFile("/usr/local/bin/selinuxenabled", "#!/bin/sh\nexit 0\n");
    worker.writeFile("/usr/local/bin/restorecon", "#!/bin/sh\necho \"$@\" >> /root/restorecon.log\n");
    worker.exec("chmod", "755", "/usr/local/bin/selinuxenabled", "/usr/local/bin/restorecon").requireSuccess();
    Step upload = Step.builder().id("haproxy@worker2").phase(Phase.PREPARE_HOSTS).host("worker2").description("cfg")
        .addFiles(FileArtifact.of("/etc/haproxy/haproxy.cfg", "global\n", 0644)).build();

    // when
    try {
      SandboxBuild.on(SANDBOX.sandbox()).retries(Retries.none()).run(upload);
    } finally {
      worker.exec("rm", "-f", "/usr/local/bin/selinuxenabled", "/usr/local/bin/restorecon");
    }

    // then
    assertThat(worker.readFile("/root/restorecon.log")).isEqualTo("/etc/haproxy/haproxy.cfg\n");
  }

  /** Puts a wrapper for each tool in /usr/local/bin (first on sudo's secure_path) that logs the copies of {@code marker}. */
  private static void spy(SandboxHost host, String marker, String... tools) {
    for (String tool : tools) {
      host.writeFile("/usr/local/bin/" + tool, "#!/bin/sh\n"
          + "/usr/bin/grep -rls -- '" + marker + "' /tmp /var/tmp /home /etc/kubesmith-test 2>/dev/null"
          + " | while read -r f; do /usr/bin/stat -c '%a %U %n' \"$f\"; done >> /root/upload-spy.log\n"
          + "exec /usr/bin/" + tool + " \"$@\"\n");
    }
    String[] chmod = new String[tools.length + 2];
    chmod[0] = "chmod";
    chmod[1] = "755";
    System.arraycopy(Arrays.stream(tools).map(t -> "/usr/local/bin/" + t).toArray(String[]::new), 0, chmod, 2, tools.length);
    host.exec(chmod).requireSuccess();
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in the causes of " + e);
  }
}
