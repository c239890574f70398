package dev.kubesmith.e2e;

import static dev.kubesmith.e2e.HardenedHaSandbox.Reach.DROPPED;
import static dev.kubesmith.e2e.HardenedHaSandbox.Reach.OPEN;
import static dev.kubesmith.e2e.HardenedHaSandbox.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.e2e.HardenedHaSandbox.Reach;
import dev.kubesmith.testkit.SandboxHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, firewall probed from outside: the HA cluster the SDK built in the sandbox (real
 * iptables, ip6tables, sysctl in each host's namespace), probed by a host attached to both
 * networks that is in no inventory, and by the cluster's own hosts for contrast.
 */
class FirewallProbeSandboxTest {
  static HardenedHaSandbox hosts;

  @BeforeAll
  static void build() throws Exception {
    hosts = HardenedHaSandbox.build();
  }

  @AfterAll
  static void close() {
    if (hosts != null) {
      hosts.close();
    }
  }

  /** host -> ports a cluster host reaches (a listener or a refusal) that a stranger must not. */
  private static Map<String, List<Integer>> clusterPorts() {
    Map<String, List<Integer>> ports = new TreeMap<>();
    for (String m : List.of("master1", "master2", "master3")) {
      ports.put(m, List.of(6443, 2379, 2380, 10250, 179, 30080));
    }
    for (String w : List.of("worker1", "worker2", "worker3")) {
      ports.put(w, List.of(10250, 179, 30080));
    }
    ports.put("lb1", List.of(8404, 6443, 2379));
    ports.put("lb2", List.of(8404, 6443, 2379));
    ports.put("bastion", List.of(6443, 10250));
    return ports;
  }

  @Test
  void aStrangerOnThePrivateNetworkReachesNoClusterPortWhileAClusterHostDoes() throws Exception {
    Map<String, Reach> stranger = new ConcurrentHashMap<>();
    Map<String, Reach> member = new ConcurrentHashMap<>();
    List<Runnable> probes = new ArrayList<>();
    clusterPorts().forEach((name, ports) -> {
      String ip = hosts.host(name).privateIp();
      SandboxHost insider = hosts.host(name.equals("worker3") ? "worker2" : "worker3");
      for (int port : ports) {
        probes.add(() -> stranger.put(name + ":" + port, tcp(hosts.stranger(), ip, port)));
        probes.add(() -> member.put(name + ":" + port, tcp(insider, ip, port)));
      }
    });
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
    try {
      for (java.util.concurrent.Future<?> f : probes.stream().map(pool::submit).toList()) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(stranger).as("the stranger 198.18.4.77, in no inventory").allSatisfy((k, v) -> assertThat(v).as(k).isEqualTo(DROPPED));
    assertThat(member).as("a cluster host").allSatisfy((k, v) -> assertThat(v).as(k).isNotEqualTo(DROPPED));
    System.out.println("e2e firewall: " + stranger.size() + " host:port probes from the stranger all dropped; a cluster host reached "
        + member.values().stream().filter(r -> r == OPEN).count() + " open and "
        + member.values().stream().filter(r -> r == Reach.REFUSED).count() + " refused of them");
  }

  @Test
  void aStrangerReachesNoVxlanOnAWorkerWhileAClusterHostDoes() {
    SandboxHost worker1 = hosts.host("worker1");
    String log = HardenedHaSandbox.listenUdp(worker1, 4789);

    HardenedHaSandbox.sendUdp(hosts.stranger(), null, worker1.privateIp(), 4789, "from-the-stranger");
    HardenedHaSandbox.sendUdp(hosts.host("worker2"), null, worker1.privateIp(), 4789, "from-worker2");

    HaSandbox.within(Duration.ofSeconds(5), () -> worker1.exec("cat", log).stdout().contains("from-worker2"));
    assertThat(worker1.exec("cat", log).stdout()).doesNotContain("from-the-stranger");
  }

  @Test
  void aStrangerReachesNodePortsNeitherBeforeNorAfterKubeProxysDnat() {
    SandboxHost worker1 = hosts.host("worker1");
    // as kube-proxy does for a NodePort: mark for masquerade, DNAT to a backend, accept marked packets in FORWARD
    worker1.exec("sh", "-c", String.join(" && ",
        "echo 1 > /proc/sys/net/ipv4/ip_forward",
        "iptables -t nat -A PREROUTING -p tcp --dport 30080 -j MARK --set-xmark 0x4000/0x4000",
        "iptables -t nat -A PREROUTING -p tcp --dport 30080 -j DNAT --to-destination " + hosts.host("master1").privateIp() + ":6443",
        "iptables -t nat -A POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE",
        "iptables -N KUBE-FORWARD", "iptables -A KUBE-FORWARD -m mark --mark 0x4000/0x4000 -j ACCEPT",
        "iptables -I FORWARD 1 -j KUBE-FORWARD")).requireSuccess();

    assertThat(tcp(hosts.host("worker2"), worker1.privateIp(), 30080)).as("a cluster host through the NodePort").isEqualTo(OPEN);
    assertThat(tcp(hosts.stranger(), worker1.privateIp(), 30080)).as("the stranger through the NodePort").isEqualTo(DROPPED);
    assertThat(worker1.exec("iptables", "-S", "FORWARD").stdout()).contains("-P FORWARD DROP");
  }

  @Test
  void aStrangerOnThePublicNetworkReachesOnlyHttpAndHttps() {
    String lb1 = hosts.host("lb1").publicIp().orElseThrow();

    assertThat(tcp(hosts.stranger(), lb1, 80)).isEqualTo(OPEN);
    assertThat(tcp(hosts.stranger(), lb1, 443)).isEqualTo(OPEN);
    for (int port : List.of(22, 6443, 8404, 2379)) {
      assertThat(tcp(hosts.stranger(), lb1, port)).as("public " + port).isEqualTo(DROPPED);
    }
  }

  @Test
  void pingIsAnsweredOnlyForTheClustersHosts() {
    for (String target : List.of("master1", "lb1", "worker2")) {
      String ip = hosts.host(target).privateIp();
      assertThat(HardenedHaSandbox.echoAnswered(hosts.stranger(), ip)).as("stranger pings " + target).isFalse();
      assertThat(HardenedHaSandbox.echoAnswered(hosts.host("worker1"), ip)).as("worker1 pings " + target).isTrue();
    }
    assertThat(HardenedHaSandbox.echoAnswered(hosts.stranger(), hosts.host("lb1").publicIp().orElseThrow()))
        .as("stranger pings lb1's public IP").isFalse();
  }

  @Test
  void aForgedPrivateSourceArrivingOnALoadBalancersPublicInterfaceIsDropped() {
    SandboxHost lb1 = hosts.host("lb1");
    String master1 = hosts.host("master1").privateIp();
    String log = HardenedHaSandbox.listenUdp(lb1, 9999);
    hosts.stranger().exec("ip", "addr", "add", master1 + "/32", "dev", HardenedHaSandbox.PUBLIC_NIC).requireSuccess();
    try {
      HardenedHaSandbox.sendUdp(hosts.stranger(), master1, lb1.publicIp().orElseThrow(), 9999, "forged-on-the-public-side");
      HardenedHaSandbox.sendUdp(hosts.host("master1"), null, lb1.privateIp(), 9999, "genuine-from-master1");

      HaSandbox.within(Duration.ofSeconds(5), () -> lb1.exec("cat", log).stdout().contains("genuine-from-master1"));
      assertThat(lb1.exec("cat", log).stdout()).doesNotContain("forged");
      assertThat(lb1.exec("cat", "/proc/sys/net/ipv4/conf/" + HardenedHaSandbox.PRIVATE_NIC + "/rp_filter").stdout().strip())
          .isEqualTo("1");
      assertThat(lb1.exec("cat", "/proc/sys/net/ipv4/conf/" + HardenedHaSandbox.PUBLIC_NIC + "/rp_filter").stdout().strip())
          .isEqualTo("2");
    } finally {
      hosts.stranger().exec("ip", "addr", "del", master1 + "/32", "dev", HardenedHaSandbox.PUBLIC_NIC);
    }
  }

  @Test
  void ipv6InputIsDroppedButNeighbourDiscoveryStillWorks() {
    SandboxHost master1 = hosts.host("master1");
    String linkLocal = master1.exec("sh", "-c", "ip -6 -o addr show dev " + HardenedHaSandbox.PRIVATE_NIC
        + " scope link | awk '{ split($4, a, \"/\"); print a[1] }'").stdout().strip();
    assertThat(linkLocal).startsWith("fe80:");

    boolean answered = HardenedHaSandbox.echoAnswered(hosts.stranger(), linkLocal + "%" + HardenedHaSandbox.PRIVATE_NIC);

    assertThat(answered).as("IPv6 echo from the stranger").isFalse();
    assertThat(hosts.stranger().exec("ip", "-6", "neigh", "show", linkLocal, "dev", HardenedHaSandbox.PRIVATE_NIC).stdout())
        .as("neighbour discovery answered").containsPattern("lladdr [0-9a-f:]+ ");
    assertThat(master1.exec("ip6tables", "-S", "INPUT").stdout()).contains("-P INPUT DROP");
  }

  @Test
  void keepalivedRunsOnTheInterfacesTheHostsFactsReportAndNotOnEth0() {
    SandboxHost lb1 = hosts.host("lb1");

    assertThat(lb1.readFile("/etc/keepalived/keepalived.conf")).doesNotContain("eth0", "eth1", "{{fact:")
        .contains("interface ens3", "interface ens4", "unicast_src_ip " + lb1.publicIp().orElseThrow());
    assertThat(lb1.readFile("/etc/iptables/rules.v4")).doesNotContain("{{fact:").contains("-i ens3 ", "-i ens4 ");
    assertThat(hosts.sandbox.hosts().stream().filter(h -> h.name().startsWith("lb"))
        .filter(h -> HardenedHaSandbox.holds(h, HardenedHaSandbox.VIP))).hasSize(1);
  }
}
