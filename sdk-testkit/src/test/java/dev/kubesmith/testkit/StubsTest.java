package dev.kubesmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.bootstrap.ContainerdConfig;
import dev.kubesmith.bootstrap.HostPreparation;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.NetworkPlan;
import dev.kubesmith.spec.Role;
import dev.kubesmith.spec.Topology;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StubsTest {
  @RegisterExtension
  static final SandboxExtension SANDBOX = SandboxExtension.of(Sandbox.builder()
      .host("bastion", "198.18.4.10", Role.BASTION)
      .host("lb1", "198.18.4.21", "198.18.100.21", Role.LB)
      .host("lb2", "198.18.4.22", "198.18.100.22", Role.LB)
      .host("master1", "198.18.4.31", Role.MASTER)
      .host("worker1", "198.18.4.41", Role.WORKER));

  @Test
  void stubsRecordEachCallWithHostArgumentsAndExitCode() {
    SandboxHost worker = SANDBOX.host("worker1");

    worker.exec("sh", "-c", "apt-get -q update; kubeadm version -o short; gpg --list-keys 'two words' 'tab\there'");

    assertThat(worker.calls()).extracting(Call::host).containsOnly("worker1");
    assertThat(worker.calls("apt-get")).singleElement()
        .satisfies(c -> assertThat(c.args()).containsExactly("-q", "update"))
        .satisfies(c -> assertThat(c.exitCode()).isZero());
    assertThat(worker.calls("kubeadm")).singleElement()
        .satisfies(c -> assertThat(c.exitCode()).as("kubeadm is not installed yet").isEqualTo(127));
    assertThat(worker.calls("gpg")).singleElement()
        .satisfies(c -> assertThat(c.args()).containsExactly("--list-keys", "two words", "tab\there"));
  }

  /**
   * kubeadm's preflight as checks.go runs it: every check, then all errors together, and nothing
   * written. A port in use (PortOpenCheck listens on ":6443") and ip_forward off are refused.
   */
  @Test
  void kubeadmInitRefusesAPortInUseAndIpForwardingOffReportingBothAndWritingNothing() {
    SandboxHost master = SANDBOX.host("master1");
    master.exec("apt-get", "install", "-y", "kubeadm=1.34.2-*").requireSuccess();
    master.exec("sysctl", "-w", "net.ipv4.ip_forward=0").requireSuccess();
    ExecResult listener = master.exec("sh", "-c",
        "setsid socat TCP-LISTEN:6443,bind=127.0.0.1,reuseaddr,fork /dev/null > /dev/null 2>&1 < /dev/null & echo $!");
    String pid = listener.stdout().strip();
    try {
      waitUntil(() -> master.exec("ss", "-Hltn", "sport = :6443").stdout().contains("6443"));

      ExecResult refused = master.exec("kubeadm", "init");

      assertThat(refused.exitCode()).isNotZero();
      assertThat(refused.stderr()).contains("[preflight] Some fatal errors occurred:",
          "\t[ERROR Port-6443]: Port 6443 is in use",
          "\t[ERROR FileContent--proc-sys-net-ipv4-ip_forward]: /proc/sys/net/ipv4/ip_forward contents are not set to 1",
          "error execution phase preflight: preflight checks failed");
      assertThat(master.exec("test", "-e", "/etc/kubernetes/admin.conf").exitCode()).as("nothing written").isNotZero();
      assertThat(master.exec("test", "-e", "/etc/kubernetes/pki/ca.crt").exitCode()).isNotZero();
    } finally {
      master.exec("kill", pid);
    }
    master.exec("sysctl", "-w", "net.ipv4.ip_forward=1").requireSuccess();
    waitUntil(() -> master.exec("ss", "-Hltn", "sport = :6443").stdout().isBlank());

    ExecResult init = master.exec("kubeadm", "init");
    try {
      assertThat(init.stderr()).doesNotContain("[ERROR");
      assertThat(master.exec("test", "-e", "/etc/kubernetes/admin.conf").exitCode()).as("past preflight").isZero();
      // a second init finds its own control plane: the manifests and etcd's data are there
      ExecResult again = master.exec("kubeadm", "init");
      assertThat(again.exitCode()).isNotZero();
      assertThat(again.stderr()).contains(
          "[ERROR FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml]: /etc/kubernetes/manifests/kube-apiserver.yaml already exists",
          "[ERROR DirAvailable--var-lib-etcd]: /var/lib/etcd is not empty");
    } finally {
      master.exec("kubeadm", "reset", "-f");
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) {
    for (long end = System.nanoTime() + 5_000_000_000L; !condition.getAsBoolean(); ) {
      assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(end);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void failNextFailsAStubbedCommandExactlyTheGivenNumberOfTimes() {
    SandboxHost lb = SANDBOX.host("lb1");
    lb.failNext("apt-get", 2, 100);

    ExecResult first = lb.exec("apt-get", "update");
    ExecResult second = lb.exec("apt-get", "update");
    ExecResult third = lb.exec("apt-get", "update");

    assertThat(first.stderr()).contains("Could not get lock /var/lib/dpkg/lock-frontend");
    assertThat(List.of(first.exitCode(), second.exitCode(), third.exitCode())).containsExactly(100, 100, 0);
    assertThat(lb.calls("apt-get")).extracting(Call::exitCode).containsExactly(100, 100, 0);
  }

  @Test
  void hostPreparationCheckPassesOnceTheScriptRanOverSsh() {
    SandboxHost master = SANDBOX.host("master1");
    master.writeFile(HostPreparation.SCRIPT, HostPreparation.script(spec(), spec().requireHost("master1")));
    master.writeFile(HostPreparation.HOSTS_BLOCK, HostPreparation.hostsBlock(spec(), spec().requireHost("master1")));
    master.writeFile(HostPreparation.HOST_NAME_FILE, HostPreparation.hostName(spec().requireHost("master1")));
    master.writeFile(ContainerdConfig.VERSION2_FILE, ContainerdConfig.version2(spec()));
    master.writeFile(ContainerdConfig.VERSION3_FILE, ContainerdConfig.version3(spec()));
    master.writeFile(HostPreparation.SYSCTL, HostPreparation.sysctl(spec().requireHost("master1")));
    master.writeFile(HostPreparation.MODULES, HostPreparation.modules());

    ExecResult before = master.exec("bash", HostPreparation.SCRIPT, "--check");
    ExecResult run = OpenSsh.run(SANDBOX.sandbox(), master, "bash " + HostPreparation.SCRIPT);
    ExecResult after = OpenSsh.run(SANDBOX.sandbox(), master, "bash " + HostPreparation.SCRIPT + " --check");

    assertThat(before.exitCode()).isNotZero();
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(after.exitCode()).as(after.stderr()).isZero();
    assertThat(master.calls("apt-get")).anySatisfy(c -> assertThat(c.args()).contains("kubeadm=1.34.2-*"));
    assertThat(master.calls("apt-mark")).anySatisfy(c -> assertThat(c.args()).containsExactly("hold", "kubelet", "kubeadm", "kubectl"));
    assertThat(master.calls("systemctl")).anySatisfy(c -> assertThat(c.args()).containsExactly("enable", "--now", "containerd"));
    assertThat(master.readFile("/etc/hosts")).contains("# BEGIN kubesmith\n198.18.4.10 bastion\n");
    assertThat(master.exec("sysctl", "-n", "net.ipv4.ip_forward").stdout()).isEqualTo("1\n");
  }

  @Test
  void systemctlRunsTheRealHaproxyInsideTheHost() {
    SandboxHost lb = SANDBOX.host("lb1");
    lb.writeFile("/etc/haproxy/haproxy.cfg", """
        global
          log stdout format raw local0
        defaults
          mode tcp
          timeout connect 1s
          timeout client 5s
          timeout server 5s
        frontend ssh
          bind 198.18.100.21:2222
          default_backend masters
        backend masters
          server master1 198.18.4.31:22
        """);

    ExecResult start = lb.exec("systemctl", "enable", "--now", "haproxy");
    ExecResult banner = lb.exec("timeout", "5", "bash", "-c", "exec 3<>/dev/tcp/198.18.100.21/2222; head -c 8 <&3");
    lb.exec("systemctl", "stop", "haproxy").requireSuccess();
    ExecResult stopped = lb.exec("systemctl", "is-active", "haproxy");

    assertThat(start.exitCode()).as(start.stderr()).isZero();
    assertThat(banner.stdout()).as("master1's sshd through haproxy").isEqualTo("SSH-2.0-");
    assertThat(stopped.stdout()).isEqualTo("inactive\n");
    assertThat(stopped.exitCode()).isEqualTo(3);
  }

  @Test
  void systemctlRunsTheRealKeepalivedAndTheVipMovesWhenItStops() throws InterruptedException {
    for (SandboxHost lb : List.of(SANDBOX.host("lb1"), SANDBOX.host("lb2"))) {
      lb.writeFile("/etc/keepalived/keepalived.conf", """
          vrrp_instance front {
            state %s
            interface eth0
            virtual_router_id 51
            priority %d
            advert_int 1
            virtual_ipaddress {
              198.18.4.130/24
            }
          }
          """.formatted(lb.name().equals("lb1") ? "MASTER" : "BACKUP", lb.name().equals("lb1") ? 255 : 100));
      lb.exec("systemctl", "enable", "--now", "keepalived").requireSuccess();
    }

    boolean onLb1 = vipWithin(SANDBOX.host("lb1"), Duration.ofSeconds(10));
    SANDBOX.host("lb1").exec("systemctl", "stop", "keepalived").requireSuccess();
    boolean onLb2 = vipWithin(SANDBOX.host("lb2"), Duration.ofSeconds(10));

    assertThat(onLb1).as("the higher priority takes the VIP").isTrue();
    assertThat(onLb2).as("the VIP moves when lb1's keepalived stops").isTrue();
  }

  private static boolean vipWithin(SandboxHost lb, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (lb.exec("ip", "-4", "addr", "show", "dev", "eth0").stdout().contains("198.18.4.130/24")) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  private static ClusterSpec spec() {
    List<Host> hosts = SANDBOX.sandbox().inventory().hosts();
    return ClusterSpec.builder().name("sandbox").topology(Topology.SINGLE_MASTER).kubernetesVersion("1.34.2")
        .hosts(hosts)
        .network(NetworkPlan.builder().podCidr("10.0.0.0/16").serviceCidr("10.96.0.0/12")
            .addHostNetworks(Sandbox.DEFAULT_PRIVATE_NETWORK).build())
        .build();
  }
}
