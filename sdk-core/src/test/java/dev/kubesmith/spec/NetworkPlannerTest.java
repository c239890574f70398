package dev.kubesmith.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kubesmith.cluster.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NetworkPlannerTest {

  private static List<Host> hostsOn(String prefix) {
    return List.of(Host.of("master1", prefix + ".11", Role.MASTER), Host.of("worker1", prefix + ".21", Role.WORKER),
        Host.of("worker2", prefix + ".22", Role.WORKER));
  }

  private static NetworkPlan planDefaults(List<Host> hosts) {
    return NetworkPlanner.plan(hosts, List.of(), Optional.empty(), Optional.empty(), 24);
  }

  private static void assertDisjoint(NetworkPlan plan) {
    Cidr pod = Cidr.parse(plan.podCidr());
    Cidr svc = Cidr.parse(plan.serviceCidr());
    assertThat(pod.overlaps(svc)).as("pod %s overlaps service %s", pod, svc).isFalse();
    for (String net : plan.hostNetworks()) {
      assertThat(pod.overlaps(Cidr.parse(net))).as("pod %s overlaps hosts %s", pod, net).isFalse();
      assertThat(svc.overlaps(Cidr.parse(net))).as("service %s overlaps hosts %s", svc, net).isFalse();
    }
  }

  @Test
  void keepsTheDefaultsOnTheSeedsHostNetwork() {
    NetworkPlan plan = planDefaults(hostsOn("192.168.4"));

    assertThat(plan.podCidr()).isEqualTo("10.0.0.0/16");
    assertThat(plan.serviceCidr()).isEqualTo("10.96.0.0/12");
    assertThat(plan.hostNetworks()).containsExactly("192.168.4.0/24");
    assertThat(plan.nodeCidrMaskSize()).isEqualTo(24);
    assertThat(plan.notes()).isEmpty();
  }

  @Test
  void derivesEachPrivateIpsSlash24InFirstSeenOrder() {
    List<Host> hosts = List.of(Host.of("a", "192.168.5.1", Role.MASTER), Host.of("b", "192.168.4.2", Role.WORKER),
        Host.of("c", "192.168.5.3", Role.WORKER), Host.of("d", "not-an-ip", Role.WORKER));

    assertThat(NetworkPlanner.derivedHostNetworks(hosts)).containsExactly("192.168.5.0/24", "192.168.4.0/24");
  }

  @Test
  void usesTheGivenHostNetworksInsteadOfDerivingThem() {
    NetworkPlan plan = NetworkPlanner.plan(hostsOn("10.0.0"), List.of("10.0.0.0/23"), Optional.empty(), Optional.empty(), 24);

    assertThat(plan.hostNetworks()).containsExactly("10.0.0.0/23");
    assertDisjoint(plan);
  }

  @Test
  void movesTheDefaultPodCidrOffHostsOn10000() {
    NetworkPlan plan = planDefaults(hostsOn("10.0.0"));

    assertThat(plan.podCidr()).isNotEqualTo("10.0.0.0/16");
    assertThat(plan.serviceCidr()).isEqualTo("10.96.0.0/12");
    assertDisjoint(plan);
    assertThat(plan.notes()).singleElement().asString()
        .contains("pod CIDR", "10.0.0.0/16", "10.0.0.0/24", plan.podCidr(), "podCidr(...)");
  }

  @Test
  void movesTheDefaultServiceCidrOffHostsOn10961() {
    NetworkPlan plan = planDefaults(hostsOn("10.96.1"));

    assertThat(plan.serviceCidr()).isNotEqualTo("10.96.0.0/12");
    assertDisjoint(plan);
    assertThat(plan.notes()).anySatisfy(n -> assertThat(n)
        .contains("service CIDR", "10.96.0.0/12", "10.96.1.0/24", plan.serviceCidr(), "serviceCidr(...)"));
  }

  @Test
  void keepsTheDefaultPodCidrWhenOnlyTheServiceCidrHadToMove() {
    // Only the service default overlaps 10.96.1.0/24; 10.0.0.0/16 is free, so the pod range should stay
    // and the plan should carry a single note.
    NetworkPlan plan = planDefaults(hostsOn("10.96.1"));

    assertThat(plan.podCidr()).isEqualTo("10.0.0.0/16");
    assertThat(plan.notes()).hasSize(1);
  }

  @Test
  void widensTheDefaultPodCidrForManyNodes() {
    List<Host> hosts = new ArrayList<>();
    for (int i = 1; i <= 300; i++) {
      hosts.add(Host.of("w" + i, "192.168." + (4 + i / 200) + "." + (i % 200 + 1), Role.WORKER));
    }

    NetworkPlan plan = planDefaults(hosts);

    Cidr pod = Cidr.parse(plan.podCidr());
    assertThat(1L << (24 - pod.prefix())).isGreaterThanOrEqualTo(300);
    assertDisjoint(plan);
  }

  @Test
  void keepsAPodCidrTheCallerGaveEvenWhenItOverlaps() {
    NetworkPlan plan = NetworkPlanner.plan(hostsOn("192.168.4"), List.of(), Optional.of("192.168.0.0/16"),
        Optional.empty(), 24);

    assertThat(plan.podCidr()).isEqualTo("192.168.0.0/16");
    assertThat(plan.serviceCidr()).isEqualTo("10.96.0.0/12");
    assertThat(plan.notes()).isEmpty();
  }

  @Test
  void plansTheDefaultAroundARangeTheCallerGave() {
    NetworkPlan plan = NetworkPlanner.plan(hostsOn("192.168.4"), List.of(), Optional.empty(),
        Optional.of("10.0.0.0/12"), 24);

    assertThat(plan.serviceCidr()).isEqualTo("10.0.0.0/12");
    assertDisjoint(plan);
    assertThat(plan.notes()).singleElement().asString().contains("podCidr(...)");
  }

  @Test
  void reportsAnOverlappingRangeTheCallerGaveInsteadOfMovingIt() {
    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class, () -> Cluster.singleMaster()
        .inventory(Inventory.of(hostsOn("192.168.4"))).masters(1).podCidr("192.168.0.0/16").build());

    assertThat(e).isNotNull();
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("network.podCidr");
      assertThat(p.value()).isEqualTo("192.168.0.0/16");
      assertThat(p.fix()).contains("podCidr(...)");
    });
  }

  @Test
  void givesTheBuildersSpecTheMovedRangeAndItsNote() {
    Cluster cluster = Cluster.singleMaster().inventory(Inventory.of(hostsOn("10.0.0"))).build();

    NetworkPlan network = cluster.spec().network();
    assertThat(network.podCidr()).isNotEqualTo("10.0.0.0/16");
    assertThat(network.notes()).singleElement().asString().contains("podCidr(...)");
    assertThat(cluster.plan().notes()).containsAll(network.notes());
  }
}
