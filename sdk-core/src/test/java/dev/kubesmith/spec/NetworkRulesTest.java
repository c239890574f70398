package dev.kubesmith.spec;

import static dev.kubesmith.SeedCluster.changed;
import static dev.kubesmith.SeedCluster.haBuilder;
import static dev.kubesmith.SeedCluster.haHosts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.SeedCluster;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 11: a pod or service range becomes an ACCEPT rule on every host, so it must be private and clear. */
class NetworkRulesTest {

  private static ClusterSpec withPod(String pod) {
    return haBuilder().network(NetworkPlan.builder().from(SeedCluster.network()).podCidr(pod).build()).build();
  }

  private static ClusterSpec withService(String svc) {
    return haBuilder().network(NetworkPlan.builder().from(SeedCluster.network()).serviceCidr(svc).build()).build();
  }

  private static List<Problem> about(ClusterSpec spec, String field) {
    return SpecValidator.problems(spec).stream().filter(p -> p.field().equals(field)).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"128.0.0.0/1", "11.0.0.0/8", "127.0.0.0/16", "224.0.0.0/16", "203.0.113.0/24"})
  void rejectsAPodCidrThatIsNoPrivateRange(String pod) {
    List<Problem> problems = about(withPod(pod), "network.podCidr");

    assertThat(problems).anySatisfy(p -> {
      assertThat(p.value()).isEqualTo(pod);
      assertThat(p.reason()).startsWith("is not a private range");
      assertThat(p.fix()).isEqualTo("choose e.g. 10.0.0.0/16 with podCidr(...)");
    });
  }

  /** Issue 11 (error legibility): a pod CIDR the user never set is blamed as kubesmith's default. */
  @Test
  void saysAnOverlappingPodCidrIsTheDefaultWhenTheUserSetNone() {
    List<String> nets = List.of("10.0.0.0/8", "172.16.0.0/12", "100.64.0.0/10");
    NetworkPlan planned = NetworkPlanner.plan(haHosts(), nets, java.util.Optional.empty(),
        java.util.Optional.of("192.168.128.0/20"), 24);
    List<Problem> defaulted = about(haBuilder().network(planned).build(), "network.podCidr");
    List<Problem> given = about(withPod("10.0.0.0/16"), "network.podCidr");

    assertThat(planned.notes()).anyMatch(x -> x.startsWith("pod CIDR: no free default"));
    assertThat(defaulted).isNotEmpty().allSatisfy(p -> assertThat(p.reason())
        .startsWith("(kubesmith's default: no free default range was found for this network) "));
    assertThat(given).allSatisfy(p -> assertThat(p.reason()).doesNotContain("default"));
  }

  @Test
  void rejectsAServiceCidrThatIsNoPrivateRange() {
    List<Problem> problems = about(withService("11.96.0.0/12"), "network.serviceCidr");

    assertThat(problems).singleElement().satisfies(p -> assertThat(p.reason()).startsWith("is not a private range"));
  }

  @Test
  void rejectsPodCidrOverlappingPublicVip() {
    // 203.0.113.0/24 holds every public IP and the public VIP of the seed cluster.
    List<Problem> problems = about(withPod("203.0.113.0/24"), "network.podCidr");

    assertThat(problems).anySatisfy(p -> assertThat(p.reason())
        .startsWith("contains the public IP of bastion (203.0.113.10), the public IP of lb1 (203.0.113.21), "
            + "the public IP of lb2 (203.0.113.22) and 1 more"));
  }

  @Test
  void rejectsAPrivatePodCidrHoldingAPublicIpOfAHost() {
    // Some providers give "public" addresses from a private range.
    ClusterSpec spec = haBuilder().hosts(changed(haHosts(), "lb1", h -> Host.builder().from(h).publicIp("10.0.3.7").build()))
        .build();

    List<Problem> problems = about(spec, "network.podCidr");

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.reason()).isEqualTo("contains the public IP of lb1 (10.0.3.7)");
      assertThat(p.fix()).isEqualTo("choose e.g. 10.244.0.0/16 with podCidr(...)");
    });
  }

  @Test
  void rejectsAServiceCidrHoldingThePrivateVip() {
    ClusterSpec spec = haBuilder().privateVip("10.96.0.20").build();

    assertThat(about(spec, "network.serviceCidr"))
        .anySatisfy(p -> assertThat(p.reason()).isEqualTo("contains the private VIP (10.96.0.20)"));
  }

  @Test
  void acceptsTheSharedAddressSpaceAsPodCidr() {
    assertThat(SpecValidator.problems(withPod("100.64.0.0/16"))).isEmpty();
  }

  @Test
  void namesManyOverlappedHostNetworksInOneProblem() {
    ClusterSpec spec = haBuilder().network(NetworkPlan.builder().from(SeedCluster.network())
        .hostNetworks(List.of("192.168.4.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "10.0.4.0/24")).build())
        .build();

    List<Problem> problems = about(spec, "network.podCidr");

    assertThat(problems).singleElement().satisfies(p -> assertThat(p.reason())
        .isEqualTo("overlaps the host networks 10.0.1.0/24, 10.0.2.0/24, 10.0.3.0/24 and 1 more"));
  }

  @Test
  void plannerKeepsTheDefaultPodCidrOffPublicIps() {
    List<Host> hosts = List.of(Host.builder().name("master1").privateIp("192.168.4.31").publicIp("10.0.0.9")
        .addRoles(Role.MASTER).build());

    NetworkPlan plan = NetworkPlanner.plan(hosts, List.of(), java.util.Optional.empty(), java.util.Optional.empty(), 24);

    assertThat(Cidr.parse(plan.podCidr()).contains(Ipv4.parse("10.0.0.9"))).isFalse();
  }

  @Test
  void rejectsANodeMaskMoreThanSixteenBitsLongerThanThePodCidr() {
    // kubeadm's PodSubnetNodeMaskMaxDiff is 16: a /8 pod subnet with /25 node ranges is refused.
    ClusterSpec spec = haBuilder().network(NetworkPlan.builder().from(SeedCluster.network()).podCidr("10.0.0.0/8")
        .nodeCidrMaskSize(25).build()).build();

    assertThat(about(spec, "network.nodeCidrMaskSize")).singleElement().satisfies(p ->
        assertThat(p.reason()).isEqualTo("is more than 16 bits longer than the pod CIDR's /8, which kubeadm refuses"));
  }
}
