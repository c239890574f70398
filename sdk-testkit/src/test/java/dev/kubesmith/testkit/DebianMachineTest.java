package dev.kubesmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.testkit.internal.Cleaner;
import dev.kubesmith.testkit.internal.DebianMachine;
import dev.kubesmith.testkit.internal.PointToPoint;
import dev.kubesmith.testkit.internal.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, first part: a sandbox host that is a real Debian 12 machine (systemd-nspawn on the
 * cached root filesystem of scripts/debian-root.sh, in a network namespace of its own): real
 * systemd and sshd, nothing the SDK installs preinstalled, no route anywhere but its own link,
 * sysctls and modprobe as on a host, files kept across a reboot, everything gone at a power loss.
 * Needs root and the cached root filesystem (the README's test command builds it).
 */
class DebianMachineTest {
  private static final String NETNS = "ks-dm-" + ProcessHandle.current().pid();
  private static final String OUTSIDE = "ks-dmo" + ProcessHandle.current().pid() % 100000;
  private static final String OPERATOR_IP = "198.18.252.1";
  private static final String HOST_IP = "198.18.252.2";

  @TempDir
  static Path tmp;
  static Path clientKey;
  static PointToPoint link;

  @BeforeAll
  static void network() throws Exception {
    link = PointToPoint.create(NETNS, OUTSIDE, OPERATOR_IP, HOST_IP);
    clientKey = tmp.resolve("client");
    Proc.check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "operator", "-f", clientKey.toString());
  }

  @AfterAll
  static void removeNetwork() {
    if (link != null) {
      link.close();
    }
  }

  private static DebianMachine boot(String dir) throws Exception {
    return DebianMachine.boot("deb1", NETNS, tmp.resolve(dir), Files.readString(clientKey.resolveSibling("client.pub")));
  }

  /** Real ssh from the test machine, checking the machine's own host key. */
  private static ExecResult ssh(DebianMachine m, String command) throws Exception {
    Path known = tmp.resolve("known_hosts");
    Files.writeString(known, HOST_IP + " " + m.hostKey() + "\n");
    return Proc.run(List.of("ssh", "-q", "-i", clientKey.toString(), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
        "-o", "UserKnownHostsFile=" + known, "-o", "ConnectTimeout=5", "root@" + HOST_IP, command));
  }

  @Test
  void bootsARealDebianWithSystemdAndSshdAndNothingTheSdkInstalls() throws Exception {
    try (DebianMachine m = boot("first")) {
      ExecResult who = ssh(m, "cat /proc/1/comm; systemctl is-system-running; hostname; . /etc/os-release; echo $VERSION_ID");
      assertThat(who.exitCode()).as(who.stderr()).isZero();
      assertThat(who.stdout().lines()).containsExactly("systemd", "running", "deb1", "12");
      assertThat(m.lastBoot()).as("boot time").isLessThan(Duration.ofSeconds(30));

      // what host preparation installs is not there; dpkg and apt are real
      ExecResult pkgs = m.exec("dpkg-query", "-W", "-f", "${Package} ${db:Status-Abbrev}\\n", "haproxy", "keepalived",
          "containerd", "iptables", "iptables-persistent", "openssh-server", "sudo");
      assertThat(pkgs.stdout()).contains("openssh-server ii", "sudo ii")
          .doesNotContain("haproxy ii", "keepalived ii", "containerd ii", "iptables ii");
      assertThat(m.exec("sh", "-c", "ls /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | wc -l").stdout().strip())
          .as("no package source until the SDK configures one").isEqualTo("0");

      // no route but its own link: an outside address is unreachable before any packet leaves
      ExecResult out = m.exec("bash", "-c", "exec 3<>/dev/tcp/192.0.2.1/80");
      assertThat(out.exitCode()).isNotZero();
      assertThat(out.stderr()).contains("Network is unreachable");

      // as on a host: the network namespace's sysctls and modprobe of built-in modules
      assertThat(m.exec("sysctl", "-w", "net.ipv4.ip_forward=1").exitCode()).isZero();
      assertThat(m.exec("sysctl", "-w", "net.bridge.bridge-nf-call-iptables=1").exitCode()).isZero();
      assertThat(m.exec("modprobe", "br_netfilter").exitCode()).isZero();
    }
  }

  @Test
  void aRebootKeepsTheMachinesFilesAndRunsItsEnabledUnitsAgain() throws Exception {
    try (DebianMachine m = boot("reboot")) {
      String unit = "[Unit]\nDescription=test\n[Service]\nType=oneshot\nExecStart=/bin/sh -c 'cat /proc/sys/kernel/random/boot_id >> /var/lib/boots'\n"
          + "[Install]\nWantedBy=multi-user.target\n";
      assertThat(m.exec("sh", "-c", "printf '%s' \"$0\" > /etc/systemd/system/boots.service && systemctl enable --now boots.service", unit)
          .exitCode()).isZero();
      long before = m.initPid();

      m.reboot();

      assertThat(m.initPid()).isNotEqualTo(before);
      List<String> boots = m.exec("cat", "/var/lib/boots").stdout().lines().toList();
      assertThat(boots).as("the unit ran at both boots, with two boot ids").hasSize(2).doesNotHaveDuplicates();
      assertThat(ssh(m, "systemctl is-enabled boots.service").stdout().strip()).isEqualTo("enabled");
    }
  }

  @Test
  void aPowerLossEndsEveryProcessOfTheMachineAtOnceAndItBootsAgain() throws Exception {
    try (DebianMachine m = boot("power")) {
      assertThat(m.exec("sh", "-c", "sleep 1000 >/dev/null 2>&1 & echo started").stdout()).contains("started");
      String inode = Cleaner.inode(Path.of("/run/netns", NETNS)).orElseThrow();

      m.powerLoss();

      assertThat(Cleaner.processesIn(List.of(inode), "kubesmith-no-such-marker-" + inode)).as("processes left in the machine's network namespace").isEmpty();
      assertThat(ssh(m, "true").exitCode()).as("sshd is gone").isNotZero();
      m.powerOn();
      assertThat(ssh(m, "systemctl is-system-running").stdout().strip()).isEqualTo("running");
    }
  }
}
