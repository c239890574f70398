package dev.kubesmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.internal.Cleaner;
import dev.kubesmith.testkit.internal.Machine;
import dev.kubesmith.testkit.internal.Names;
import dev.kubesmith.testkit.internal.Proc;
import dev.kubesmith.testkit.internal.Registry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CleanupTest {
  @Test
  void closeLeavesNoNamespaceLinkMountProcessOrDirectory() {
    Sandbox sandbox = Sandbox.builder()
        .host("bastion", "198.18.4.10", Role.BASTION)
        .host("lb1", "198.18.4.21", "198.18.100.21", Role.LB)
        .build().start();
    String id = sandbox.id();
    // a daemon that outlives the session that started it, as haproxy or keepalived would
    OpenSsh.run(sandbox, sandbox.host("lb1"), "setsid -f sleep 300 </dev/null >/dev/null 2>&1").requireSuccess();
    sandbox.host("bastion").exec("setsid", "-f", "sleep", "300").requireSuccess();
    List<Long> pids = pidsInNamespaces(id);

    sandbox.close();

    assertThat(pids).as("sshd, holders, daemons").hasSizeGreaterThanOrEqualTo(6);
    assertThat(pids).noneMatch(CleanupTest::alive);
    assertThat(Proc.check("ip", "netns", "list")).doesNotContain("ks-" + id);
    assertThat(Proc.check("ip", "-o", "link", "show")).doesNotContain("ks" + id);
    assertThat(mountTables()).noneMatch(line -> line.contains("ks-" + id));
    assertThat(sandbox.directory()).doesNotExist();
    assertThat(Path.of("/run/kubesmith-testkit", id)).as("owner registration").doesNotExist();
  }

  @Test
  void startSweepsLeftoversOfACrashedRunButNotOfALiveOne() throws Exception {
    Path base = Machine.defaultBaseDir();
    String dead = Names.newId();
    String live = Names.newId();
    Path deadDir = Files.createDirectories(base.resolve("ks-" + dead).resolve("hosts"));
    Files.writeString(deadDir.getParent().resolve("owner"), "999999999 1\n");
    Path liveDir = Files.createDirectories(base.resolve("ks-" + live));
    Registry.writeOwner(live, liveDir);
    Proc.check("ip", "netns", "add", "ks-" + dead + "_net");
    Proc.check("ip", "netns", "add", "ks-" + dead + "-master1");
    Proc.check("ip", "link", "add", "ks" + dead, "type", "veth", "peer", "name", "eth0", "netns", "ks-" + dead + "-master1");
    Proc.check("ip", "netns", "add", "ks-" + live + "-master1");
    Process crashedSshd = new ProcessBuilder("ip", "netns", "exec", "ks-" + dead + "-master1", "sleep", "300").start();

    try (Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION).build().start()) {
      assertThat(crashedSshd.waitFor(10, TimeUnit.SECONDS)).as("the crashed run's process was killed").isTrue();
      assertThat(Proc.check("ip", "netns", "list")).doesNotContain("ks-" + dead).contains("ks-" + live + "-master1");
      assertThat(Proc.check("ip", "-o", "link", "show")).doesNotContain("ks" + dead);
      assertThat(deadDir.getParent()).doesNotExist();
      assertThat(liveDir).exists();
      assertThat(sandbox.isRunning()).isTrue();
    } finally {
      Cleaner.remove(live, liveDir);
    }
  }

  @Test
  void failedStartNamesTheHostAndLeavesNothingBehind() throws IOException {
    Sandbox sandbox = Sandbox.builder()
        .host("bastion", "198.18.4.10", Role.BASTION)
        .host("master1", "198.18.4.31", Role.MASTER)
        .build();
    String id = sandbox.id();
    // master1's /etc layer on another file system than its work directory: its overlay mount fails
    // after its namespace, links and holder exist
    Path elsewhere = Files.createDirectories(Path.of("/dev/shm", "kubesmith-test-" + id));
    Path upperEtc = sandbox.directory().resolve("hosts/master1/upper/etc");
    Files.createDirectories(upperEtc.getParent());
    Files.createSymbolicLink(upperEtc, elsewhere);

    try {
      assertThatThrownBy(sandbox::start)
          .isInstanceOf(SandboxException.class)
          .hasMessageContaining("host master1 did not start")
          .hasMessageContaining("mount");
      assertThat(Proc.check("ip", "netns", "list")).doesNotContain("ks-" + id);
      assertThat(Proc.check("ip", "-o", "link", "show")).doesNotContain("ks" + id);
      assertThat(Cleaner.processesIn(List.of(), "ks-" + id)).isEmpty();
      assertThat(sandbox.directory()).doesNotExist();
      assertThat(sandbox.isRunning()).isFalse();
    } finally {
      Proc.run(List.of("rm", "-rf", elsewhere.toString()));
    }
  }

  private static List<Long> pidsInNamespaces(String id) {
    List<Long> pids = new ArrayList<>();
    for (String ns : Proc.check("ip", "netns", "list").lines().map(l -> l.split(" ")[0]).toList()) {
      if (ns.startsWith("ks-" + id)) {
        Proc.check("ip", "netns", "pids", ns).lines().map(Long::parseLong).forEach(pids::add);
      }
    }
    return pids;
  }

  /** Alive and not a zombie (a zombie has left every namespace and holds no mount). */
  private static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  /** The root mount table and every process's, so a mount left in a host's mount namespace shows too. */
  private static List<String> mountTables() {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
        try {
          lines.addAll(Files.readAllLines(p.resolve("mountinfo")));
        } catch (IOException e) {
          // the process exited meanwhile
        }
      });
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return lines;
  }
}
