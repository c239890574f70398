package dev.kubesmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.spec.Cidr;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Ipv4;
import dev.kubesmith.spec.NetworkPlan;
import dev.kubesmith.spec.Role;
import dev.kubesmith.spec.SshSettings;
import dev.kubesmith.spec.Topology;
import dev.kubesmith.ssh.CommandResult;
import dev.kubesmith.ssh.HostConnection;
import dev.kubesmith.ssh.Redactor;
import dev.kubesmith.ssh.SshConnector;
import dev.kubesmith.testkit.internal.Proc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SandboxNetworkTest {
  @RegisterExtension
  static final SandboxExtension SANDBOX = SandboxExtension.of(Sandbox.builder()
      .host("bastion", "198.18.4.10", Role.BASTION)
      .host("lb1", "198.18.4.21", "198.18.100.21", Role.LB)
      .host("master1", "198.18.4.31", Role.MASTER)
      .host("worker1", "198.18.4.41", Role.WORKER));

  @Test
  void testJvmReachesTheBastionOverItsOwnLink() {
    ExecResult r = OpenSsh.run(SANDBOX.sandbox(), SANDBOX.host("bastion"), "hostname");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).isEqualTo("bastion\n");
  }

  @Test
  void rootNamespaceReachesNothingButTheBastion() {
    String link = "ks" + SANDBOX.sandbox().id();

    List<String> routesViaSandbox = Proc.check("ip", "-4", "route", "show", "dev", link).lines().toList();
    ExecResult routeToMaster = Proc.run(List.of("ip", "-4", "route", "get", "198.18.4.31"));
    String bastionForwards = SANDBOX.host("bastion").readFile("/proc/sys/net/ipv4/ip_forward");
    // a real connection attempt, forced into the bastion link (SO_BINDTODEVICE) so that nothing
    // leaves the sandbox: without a route, the JVM's namespace would send it to its default gateway
    ExecResult forced = Proc.run(List.of("curl", "-sS", "--interface", link, "--connect-timeout", "2",
        "telnet://198.18.4.31:22"));

    String linkNetwork = Cidr.containing(Ipv4.parse(SANDBOX.sandbox().bastionAddress()), 30).toString();
    assertThat(routesViaSandbox).singleElement().asString().startsWith(linkNetwork + " ");
    assertThat(routeToMaster.stdout()).doesNotContain(link);
    assertThat(bastionForwards).isEqualTo("0\n");
    assertThat(forced.exitCode()).as("curl to master1 through the bastion link").isNotZero();
  }

  @Test
  void inventoryGivesTheBastionTheAddressTheTestJvmReaches() {
    Sandbox sandbox = SANDBOX.sandbox();

    assertThat(sandbox.inventory().host("bastion").flatMap(Host::publicIp)).contains(sandbox.bastionAddress());
    assertThat(sandbox.inventory().host("lb1").flatMap(Host::publicIp)).contains("198.18.100.21");
    assertThat(sandbox.inventory().host("master1").flatMap(Host::publicIp)).isEmpty();
    assertThat(sandbox.bastionAddress()).startsWith("198.18.255.");
  }

  @Test
  void jumpsThroughTheBastionWithStrictHostKeys() {
    ExecResult r = OpenSsh.run(SANDBOX.sandbox(), SANDBOX.host("master1"), "hostname; cat /etc/hostname");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).isEqualTo("master1\nmaster1\n");
  }

  @Test
  void eachHostSeesItsOwnEtc() {
    SANDBOX.host("master1").exec("sh", "-c", "echo only-master1 > /etc/kubesmith-sandbox-test").requireSuccess();

    ExecResult onMaster = OpenSsh.run(SANDBOX.sandbox(), SANDBOX.host("master1"), "cat /etc/kubesmith-sandbox-test");
    ExecResult onWorker = SANDBOX.host("worker1").exec("cat", "/etc/kubesmith-sandbox-test");

    assertThat(onMaster.stdout()).isEqualTo("only-master1\n");
    assertThat(onWorker.exitCode()).isNotZero();
    assertThat(Path.of("/etc/kubesmith-sandbox-test")).doesNotExist();
    assertThat(SANDBOX.host("master1").readFile("/etc/kubesmith-sandbox-test")).isEqualTo("only-master1\n");
  }

  @Test
  void writesOutsideTheHostsOwnDirectoriesAreRefused() {
    ExecResult r = SANDBOX.host("worker1").exec("touch", "/usr/kubesmith-sandbox-test");

    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains("Read-only file system");
    assertThat(Path.of("/usr/kubesmith-sandbox-test")).doesNotExist();
  }

  @Test
  void sshCommandsFindTheStubsFirstOnPath() {
    ExecResult r = OpenSsh.run(SANDBOX.sandbox(), SANDBOX.host("worker1"), "command -v kubeadm apt-get systemctl sysctl");

    assertThat(r.stdout().lines()).containsExactly("/usr/local/sbin/kubeadm", "/usr/local/sbin/apt-get",
        "/usr/local/sbin/systemctl", "/usr/local/sbin/sysctl");
  }

  @Test
  void loadBalancerHasItsPublicAddressAndReachesTheMasterOnThePrivateBridge() {
    SandboxHost lb = SANDBOX.host("lb1");

    ExecResult eth1 = lb.exec("ip", "-4", "-o", "addr", "show", "dev", "eth1");
    ExecResult banner = lb.exec("timeout", "5", "bash", "-c", "exec 3<>/dev/tcp/198.18.4.31/22; head -c 8 <&3");
    ExecResult masterEth1 = SANDBOX.host("master1").exec("ip", "link", "show", "dev", "eth1");

    assertThat(eth1.stdout()).contains("inet 198.18.100.21/24");
    assertThat(banner.stdout()).isEqualTo("SSH-2.0-");
    assertThat(masterEth1.exitCode()).isNotZero();
  }

  @Test
  void sdkSshLayerJumpsThroughTheBastionWithTheSandboxInventory() {
    Sandbox sandbox = SANDBOX.sandbox();
    ClusterSpec spec = ClusterSpec.builder().name("sandbox").topology(Topology.SINGLE_MASTER)
        .hosts(sandbox.inventory().hosts())
        .network(NetworkPlan.builder().podCidr("10.0.0.0/16").serviceCidr("10.96.0.0/12")
            .addHostNetworks(Sandbox.DEFAULT_PRIVATE_NETWORK).build())
        .ssh(SshSettings.builder().privateKey(sandbox.clientKey().toString())
            .knownHosts(sandbox.knownHosts().toString()).bastion(sandbox.bastion().name()).build())
        .build();

    try (SshConnector ssh = SshConnector.forSpec(spec, Optional.empty(), new Redactor());
        HostConnection worker = ssh.connect(ssh.target(spec.requireHost("worker1")))) {
      CommandResult hostname = worker.run("hostname", Duration.ofSeconds(10));
      worker.upload("/etc/kubesmith/uploaded", "from the sdk\n".getBytes(StandardCharsets.UTF_8), 0640, "root");

      assertThat(hostname.stdout()).isEqualTo("worker1\n");
      assertThat(SANDBOX.host("worker1").readFile("/etc/kubesmith/uploaded")).isEqualTo("from the sdk\n");
    }
  }
}
