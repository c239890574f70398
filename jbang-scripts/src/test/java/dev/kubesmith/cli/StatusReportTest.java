package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.cli.ClusterStatus.AddonStatus;
import dev.kubesmith.cli.ClusterStatus.AddonStatus.State;
import dev.kubesmith.cli.ClusterStatus.CertificateStatus;
import dev.kubesmith.cli.ClusterStatus.NodeStatus;
import dev.kubesmith.cli.ClusterStatus.VipStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How {@code kubesmith status} prints and judges what it found; no cluster needed. */
class StatusReportTest {
  private static final Instant NOW = Instant.parse("2026-11-26T00:00:00Z");
  private static final CertificateStatus CERT = new CertificateStatus("CN=kube-apiserver",
      NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(364)));
  private static final NodeStatus MASTER = new NodeStatus("master1", true, "KubeletReady", List.of("control-plane"),
      "v1.34.2", "192.168.4.31");
  private static final NodeStatus WORKER = new NodeStatus("worker1", true, "KubeletReady", List.of(), "v1.34.2",
      "192.168.4.41");

  private static ClusterStatus status(List<NodeStatus> nodes, List<String> missing, List<AddonStatus> addons,
      List<VipStatus> vips, Optional<CertificateStatus> cert, List<String> unreachable) {
    return new ClusterStatus("clustera", "HA", nodes, missing, addons, vips, cert, unreachable);
  }

  private static ClusterStatus healthy() {
    return status(List.of(MASTER, WORKER), List.of(),
        List.of(new AddonStatus("rook-ceph", State.ABSENT, "no namespace rook-ceph", false),
            new AddonStatus("traefik", State.READY, "daemonset traefik/traefik 3/3", true)),
        List.of(new VipStatus("private", "192.168.4.100", List.of("lb1 (eth0)"), List.of())),
        Optional.of(CERT), List.of());
  }

  @Test
  void aHealthyClusterPrintsANodeTableAddonsVipCertificateAndHealthy() {
    String report = StatusReport.format(healthy(), NOW);

    assertThat(report).isEqualTo("""
        cluster clustera (HA)
        nodes: 2 of 2 Ready
          NAME     STATUS  ROLES          VERSION  INTERNAL-IP
          master1  Ready   control-plane  v1.34.2  192.168.4.31
          worker1  Ready   <none>         v1.34.2  192.168.4.41
        addons:
          rook-ceph  absent
          traefik    ready (daemonset traefik/traefik 3/3)
        private VIP 192.168.4.100: on lb1 (eth0)
        API server certificate: expires 2027-11-25T00:00:00Z (in 364 days), CN=kube-apiserver
        healthy
        """);
    assertThat(StatusReport.exitCode(healthy(), NOW)).isZero();
  }

  @Test
  void aNodeNotReadyAMissingNodeAndAnExpectedAddonNotReadyAreEachAProblem() {
    NodeStatus down = new NodeStatus("worker1", false, "KubeletNotReady: PLEG is not healthy", List.of(), "v1.34.2",
        "192.168.4.41");
    ClusterStatus s = status(List.of(MASTER, down), List.of("worker2"),
        List.of(new AddonStatus("traefik", State.NOT_READY, "daemonset traefik/traefik 1/3", true),
            new AddonStatus("logging", State.ABSENT, "no namespace logging", false)),
        List.of(), Optional.of(CERT), List.of());

    List<String> problems = StatusReport.problems(s, NOW);

    assertThat(problems).containsExactly(
        "node worker1 is not Ready (KubeletNotReady: PLEG is not healthy); see journalctl -u kubelet on it",
        "node worker2 of the inventory is not registered; run 'kubesmith apply' to join it",
        "addon traefik (named in --addons) is not ready (daemonset traefik/traefik 1/3); run 'kubesmith apply' "
            + "with the same --addons");
    assertThat(StatusReport.exitCode(s, NOW)).isEqualTo(KubesmithCli.NOT_HEALTHY);
    assertThat(StatusReport.format(s, NOW)).contains("nodes: 1 of 3 Ready\n", "  worker1  NotReady",
        "  worker2  missing", "3 problems:\n  - node worker1 is not Ready");
  }

  @Test
  void aVipOnNoLoadBalancerOrOnTwoIsAProblemButNotWhenALoadBalancerWasNotAsked() {
    ClusterStatus none = status(List.of(MASTER), List.of(), List.of(),
        List.of(new VipStatus("private", "192.168.4.100", List.of(), List.of())), Optional.of(CERT), List.of());
    ClusterStatus two = status(List.of(MASTER), List.of(), List.of(),
        List.of(new VipStatus("public", "203.0.113.100", List.of("lb1 (eth1)", "lb2 (eth1)"), List.of())),
        Optional.of(CERT), List.of());

    assertThat(StatusReport.problems(none, NOW)).singleElement().asString()
        .contains("private VIP 192.168.4.100 is on no load balancer", "keepalived");
    assertThat(StatusReport.problems(two, NOW)).singleElement().asString()
        .contains("public VIP 203.0.113.100 is on lb1 (eth1) and lb2 (eth1) at once", "split brain");
    assertThat(StatusReport.format(two, NOW)).contains("public VIP 203.0.113.100: on lb1 (eth1), lb2 (eth1)\n");
  }

  @Test
  void somethingUnreachableExitsEightAndIsListedWithTheRest() {
    ClusterStatus s = status(List.of(), List.of(), List.of(),
        List.of(new VipStatus("private", "192.168.4.100", List.of("lb1 (eth0)"), List.of("lb2"))), Optional.empty(),
        List.of("lb2 (load balancer) over SSH: connect failed"));

    assertThat(StatusReport.exitCode(s, NOW)).isEqualTo(KubesmithCli.UNREACHABLE);
    assertThat(StatusReport.format(s, NOW)).contains("private VIP 192.168.4.100: on lb1 (eth0) (not asked: lb2)",
        "1 problem:\n  - lb2 (load balancer) over SSH: connect failed");
  }

  @Test
  void aCertificateExpiringWithinThirtyDaysOrExpiredIsAProblem() {
    CertificateStatus soon = new CertificateStatus("CN=kube-apiserver", NOW.minus(Duration.ofDays(300)),
        NOW.plus(Duration.ofDays(12)));
    CertificateStatus gone = new CertificateStatus("CN=kube-apiserver", NOW.minus(Duration.ofDays(400)),
        NOW.minus(Duration.ofHours(2)));

    assertThat(StatusReport.problems(status(List.of(MASTER), List.of(), List.of(), List.of(), Optional.of(soon),
        List.of()), NOW)).singleElement().asString().contains("expires in 12 days", "kubeadm certs renew apiserver");
    assertThat(StatusReport.problems(status(List.of(MASTER), List.of(), List.of(), List.of(), Optional.of(gone),
        List.of()), NOW)).singleElement().asString().contains("expired at 2026-11-25T22:00:00Z");
    assertThat(StatusReport.certificate(gone, NOW)).isEqualTo("API server certificate: EXPIRED 2026-11-25T22:00:00Z, "
        + "CN=kube-apiserver");
    assertThat(StatusReport.days(NOW, NOW.plus(Duration.ofHours(5)))).isEqualTo("5 hours");
    assertThat(StatusReport.days(NOW, NOW.plus(Duration.ofDays(1)))).isEqualTo("1 day");
  }

  @Test
  void findsTheInterfaceHoldingAnAddressInIpOutput() {
    String ip = """
        1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
        2: eth0    inet 192.168.4.21/24 brd 192.168.4.255 scope global eth0\\       valid_lft forever
        2: eth0    inet 192.168.4.100/32 scope global eth0\\       valid_lft forever preferred_lft forever
        3: eth1@if7    inet 203.0.113.21/24 scope global eth1\\       valid_lft forever
        """;

    assertThat(StatusProbe.interfaceWith(ip, "192.168.4.100")).contains("eth0");
    assertThat(StatusProbe.interfaceWith(ip, "203.0.113.21")).contains("eth1");
    assertThat(StatusProbe.interfaceWith(ip, "192.168.4.10")).isEmpty();
    assertThat(StatusProbe.interfaceWith(ip, "203.0.113.100")).isEmpty();
  }

  @Test
  void readsANodesReadinessRolesVersionAndAddress() {
    Node node = new NodeBuilder().withNewMetadata().withName("master1")
        .addToLabels("node-role.kubernetes.io/control-plane", "").endMetadata()
        .withNewStatus().addNewCondition().withType("Ready").withStatus("False").withReason("KubeletNotReady")
        .withMessage("container runtime network not ready").endCondition()
        .addNewAddress().withType("InternalIP").withAddress("192.168.4.31").endAddress()
        .withNewNodeInfo().withKubeletVersion("v1.34.2").endNodeInfo().endStatus().build();

    NodeStatus n = StatusProbe.node(node);

    assertThat(n).isEqualTo(new NodeStatus("master1", false, "KubeletNotReady: container runtime network not ready",
        List.of("control-plane"), "v1.34.2", "192.168.4.31"));
    assertThat(StatusProbe.node(new NodeBuilder().withNewMetadata().withName("w").endMetadata().build()))
        .isEqualTo(new NodeStatus("w", false, "no Ready condition yet", List.of(), "?", "?"));
  }
}
