package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.exec.BuildListener;
import dev.kubesmith.exec.BuildResult;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.Sandbox;
import dev.kubesmith.testkit.SandboxBuild;
import dev.kubesmith.testkit.SandboxExtension;
import dev.kubesmith.testkit.SandboxHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: a step's directory copy (the offline bundle to the bastion) over the SDK's real SSH
 * through the bastion to a real sshd: only files that differ are sent, files the local directory
 * lacks are removed, and an SSH connection killed in the middle of the copy is retried with what
 * was already sent kept (the same inodes: not sent again) and nothing half-written left.
 */
class DirectoryCopyTest {
  @RegisterExtension
  static final SandboxExtension SANDBOX = SandboxExtension.of(Sandbox.builder()
      .host("bastion", "198.18.4.10", Role.BASTION)
      .host("master1", "198.18.4.31", Role.MASTER));

  private static final String REMOTE = "/var/lib/kubesmith/bundle";

  @TempDir
  Path local;

  private Step copy() {
    return Step.builder().id("bundle@master1").phase(Phase.PREPARE_HOSTS).host("master1").description("copy")
        .putDirectories(REMOTE, local.toString()).build();
  }

  /** File name to "inode sha256" on the host. */
  private static Map<String, String> remote(SandboxHost host) {
    String out = host.exec("sh", "-c", "cd " + REMOTE + " && find . -type f | sort | while read -r f;"
        + " do echo \"$f $(stat -c %i \"$f\") $(sha256sum < \"$f\" | cut -c1-64)\"; done").stdout();
    Map<String, String> files = new TreeMap<>();
    out.lines().forEach(l -> {
      String[] p = l.split(" ");
      files.put(p[0].substring(2), p[1] + " " + p[2]);
    });
    return files;
  }

  private void write(String name, int kib, int seed) throws Exception {
    byte[] b = new byte[kib * 1024];
    new java.util.Random(seed).nextBytes(b);
    Files.createDirectories(local.resolve(name).getParent());
    Files.write(local.resolve(name), b);
  }

  @Test
  void sendsOnlyWhatDiffersAndRemovesWhatTheLocalDirectoryLacks() throws Exception {
    SandboxHost m1 = SANDBOX.host("master1");
    for (int i = 0; i < 5; i++) {
      write("pool/p" + i + ".deb", 64, i);
    }
    write("MANIFEST.sha256", 1, 99);
    m1.exec("sh", "-c", "mkdir -p " + REMOTE + "/pool && echo old > " + REMOTE + "/pool/stale.deb").requireSuccess();
    SandboxBuild.on(SANDBOX.sandbox(), "master1").run(copy());
    Map<String, String> first = remote(m1);
    assertThat(first).containsOnlyKeys("MANIFEST.sha256", "pool/p0.deb", "pool/p1.deb", "pool/p2.deb", "pool/p3.deb",
        "pool/p4.deb");
    assertThat(m1.exec("stat", "-c", "%a", REMOTE + "/pool/p0.deb").stdout().strip()).isEqualTo("644");

    write("pool/p3.deb", 64, 42);
    SandboxBuild.on(SANDBOX.sandbox(), "master1").run(copy());
    Map<String, String> second = remote(m1);
    for (String f : first.keySet()) {
      if (f.equals("pool/p3.deb")) {
        assertThat(second.get(f)).as("changed: sent again").isNotEqualTo(first.get(f));
      } else {
        assertThat(second.get(f)).as("%s unchanged: not sent again", f).isEqualTo(first.get(f));
      }
    }
  }

  /**
   * Files of megabytes, not a multiple of 64 KiB (the sizes of two Debian packages that arrived cut at a
   * 64 KiB boundary): sshj's close() of the command's stdin sent only what the peer's window took,
   * then EOF, and the upload succeeded with the rest missing. Each arrives whole now.
   */
  @Test
  void filesOfMegabytesArriveWhole() throws Exception {
    SandboxHost m1 = SANDBOX.host("master1");
    m1.exec("rm", "-rf", REMOTE).requireSuccess();
    int[] sizes = {2_556_916, 4_195_924, 2_815_332, 1_753_352};
    for (int i = 0; i < sizes.length; i++) {
      byte[] b = new byte[sizes[i]];
      new java.util.Random(i).nextBytes(b);
      Files.createDirectories(local.resolve("pool"));
      Files.write(local.resolve("pool/big" + i + ".deb"), b);
    }
    SandboxBuild.on(SANDBOX.sandbox(), "master1").run(copy());
    Map<String, String> there = remote(m1);
    for (int i = 0; i < sizes.length; i++) {
      assertThat(there.get("pool/big" + i + ".deb")).as("big%d.deb, %d bytes", i, sizes[i])
          .endsWith(dev.kubesmith.internal.Sha256.hex(Files.readAllBytes(local.resolve("pool/big" + i + ".deb"))));
    }
  }

  @Test
  void aConnectionKilledMidCopyIsRetriedAndWhatWasSentIsKept() throws Exception {
    SandboxHost m1 = SANDBOX.host("master1");
    m1.exec("rm", "-rf", REMOTE).requireSuccess();
    int files = 40;
    for (int i = 0; i < files; i++) {
      write("pool/q" + i + ".deb", 1024, i);
    }
    AtomicInteger retries = new AtomicInteger();
    Map<String, String>[] before = new Map[1];
    Thread killer = new Thread(() -> {
      // once some files are there, kill the SDK's sshd session on master1 by PID
      for (long end = System.nanoTime() + 60_000_000_000L; System.nanoTime() < end; ) {
        String n = m1.exec("sh", "-c", "ls " + REMOTE + "/pool 2>/dev/null | grep -c '^q'").stdout().strip();
        if (!n.isEmpty() && Integer.parseInt(n) >= 5) {
          before[0] = remote(m1);
          String ss = m1.exec("ss", "-Htnp", "state", "established", "( sport = :22 )").stdout();
          Matcher p = Pattern.compile("pid=(\\d+)").matcher(ss);
          while (p.find()) {
            m1.exec("kill", "-9", p.group(1));
          }
          return;
        }
      }
    });
    killer.start();
    BuildResult r = SandboxBuild.on(SANDBOX.sandbox(), "master1").listener(new BuildListener() {
      @Override
      public void stepRetried(Step step, int attempt, Duration wait, Throwable error) {
        retries.incrementAndGet();
        System.out.println("directory copy retried: " + error.getMessage());
      }
    }).run(copy());
    killer.join();

    assertThat(r.ran()).containsExactly("bundle@master1");
    assertThat(retries).as("the copy was cut off and retried").hasValueGreaterThanOrEqualTo(1);
    Map<String, String> after = remote(m1);
    assertThat(after).hasSize(files);
    // the files there before the kill are the same files (inodes) after: not sent again
    assertThat(before[0]).isNotEmpty();
    // (an upload in flight when they were listed is a temporary file, which the copy replaces or removes)
    before[0].entrySet().stream().filter(e -> !e.getKey().contains("/.kubesmith-"))
        .forEach(e -> assertThat(after.get(e.getKey())).as("%s kept", e.getKey()).isEqualTo(e.getValue()));
    for (int i = 0; i < files; i++) {
      assertThat(after.get("pool/q" + i + ".deb")).endsWith(dev.kubesmith.internal.Sha256.hex(
          Files.readAllBytes(local.resolve("pool/q" + i + ".deb"))));
    }
    assertThat(m1.exec("sh", "-c", "ls -A " + REMOTE + "/pool | grep -c kubesmith || true").stdout().strip())
        .as("no half-written temporary file").isEqualTo("0");
  }
}
