package dev.kubesmith.spec;

import static dev.kubesmith.SeedCluster.changed;
import static dev.kubesmith.SeedCluster.haBuilder;
import static dev.kubesmith.SeedCluster.haHosts;
import static dev.kubesmith.SeedCluster.singleMasterBuilder;
import static dev.kubesmith.SeedCluster.without;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kubesmith.SeedCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One test per rule; each changes one thing in a valid spec and expects exactly that problem. */
class SpecValidatorTest {

  private static Problem onlyProblem(ClusterSpec spec) {
    List<Problem> problems = SpecValidator.problems(spec);
    assertThat(problems).as("problems of the spec").hasSize(1);
    return problems.get(0);
  }

  private static NetworkPlan network(String pod, String service) {
    return NetworkPlan.builder().from(SeedCluster.network()).podCidr(pod).serviceCidr(service).build();
  }

  @Test
  void acceptsTheSeedsHaCluster() {
    assertThat(SpecValidator.problems(SeedCluster.ha())).isEmpty();
    assertThatCode(() -> SpecValidator.validate(SeedCluster.ha())).doesNotThrowAnyException();
  }

  @Test
  void acceptsASingleMasterCluster() {
    assertThat(SpecValidator.problems(SeedCluster.singleMaster())).isEmpty();
  }

  @Test
  void rejectsAnInvalidPrivateIp() {
    ClusterSpec spec = haBuilder().hosts(changed(haHosts(), "worker1",
        h -> Host.builder().from(h).privateIp("192.168.4.300").build())).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("hosts[worker1].privateIp");
    assertThat(p.value()).isEqualTo("192.168.4.300");
    assertThat(p.fix()).contains("e.g. 192.168.4.31");
  }

  @Test
  void rejectsAnInvalidPublicIp() {
    ClusterSpec spec = haBuilder().hosts(changed(haHosts(), "lb1",
        h -> Host.builder().from(h).publicIp("203.0.113").build())).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("hosts[lb1].publicIp");
    assertThat(p.fix()).contains("public=203.0.113.31");
  }

  @Test
  void rejectsAnInvalidPodCidr() {
    ClusterSpec spec = haBuilder().network(network("10.0.0.0/33", "10.96.0.0/12")).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("network.podCidr");
    assertThat(p.value()).isEqualTo("10.0.0.0/33");
    assertThat(p.fix()).contains("podCidr(\"10.0.0.0/16\")");
  }

  @Test
  void rejectsAServiceCidrWithHostBitsSet() {
    ClusterSpec spec = haBuilder().network(network("10.0.0.0/16", "10.96.0.1/12")).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("network.serviceCidr");
    assertThat(p.reason()).contains("host bits set").contains("10.96.0.0/12");
    assertThat(p.fix()).contains("serviceCidr(\"10.96.0.0/12\")");
  }

  @Test
  void rejectsAnInvalidHostNetwork() {
    ClusterSpec spec = haBuilder().network(NetworkPlan.builder().from(SeedCluster.network())
        .hostNetworks(List.of("192.168.4.0/24", "192.168.5/24")).build()).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("network.hostNetworks[1]");
    assertThat(p.fix()).contains("hostNetwork(\"192.168.4.0/24\")");
  }

  @Test
  void rejectsAHostOutsideEveryHostNetwork() {
    ClusterSpec spec = haBuilder().hosts(changed(haHosts(), "worker2",
        h -> Host.builder().from(h).privateIp("192.168.5.42").build())).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("hosts[worker2].privateIp");
    assertThat(p.fix()).contains("hostNetwork(...)");
  }

  @Test
  void rejectsDuplicateHostnames() {
    List<Host> hosts = haHosts();
    hosts.add(Host.of("worker1", "192.168.4.43", Role.WORKER));
    ClusterSpec spec = haBuilder().hosts(hosts).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("hosts[worker1].name");
    assertThat(p.reason()).isEqualTo("is used by two hosts");
    assertThat(p.fix()).contains("its own name");
  }

  @Test
  void rejectsDuplicatePrivateIps() {
    ClusterSpec spec = haBuilder().hosts(changed(haHosts(), "worker2",
        h -> Host.builder().from(h).privateIp("192.168.4.41").build())).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("hosts[worker2].privateIp");
    assertThat(p.reason()).contains("worker1");
    assertThat(p.fix()).contains("its own private IP");
  }

  @Test
  void rejectsPodCidrOverlappingHostNetwork() {
    // The seed's trap: Calico's default pool over a 192.168.x private network.
    ClusterSpec spec = haBuilder().network(network("192.168.0.0/16", "10.96.0.0/12")).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("network.podCidr");
    assertThat(p.value()).isEqualTo("192.168.0.0/16");
    assertThat(p.reason()).isEqualTo("overlaps the host network 192.168.4.0/24");
    assertThat(p.fix()).isEqualTo("choose e.g. 10.0.0.0/16 with podCidr(...)");
    assertThat(p.message()).isEqualTo("network.podCidr = 192.168.0.0/16: overlaps the host network 192.168.4.0/24; "
        + "choose e.g. 10.0.0.0/16 with podCidr(...)");
  }

  @Test
  void rejectsServiceCidrOverlappingHostNetwork() {
    ClusterSpec spec = haBuilder().network(network("10.0.0.0/16", "192.168.0.0/16")).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("network.serviceCidr");
    assertThat(p.reason()).contains("192.168.4.0/24");
    assertThat(p.fix()).isEqualTo("choose e.g. 10.96.0.0/12 with serviceCidr(...)");
  }

  @Test
  void rejectsPodCidrOverlappingServiceCidr() {
    ClusterSpec spec = haBuilder().network(network("10.96.0.0/16", "10.96.0.0/12")).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("network.podCidr");
    assertThat(p.reason()).isEqualTo("overlaps the service CIDR 10.96.0.0/12");
    assertThat(p.fix()).contains("podCidr(\"10.0.0.0/16\")").contains("serviceCidr(\"10.96.0.0/12\")");
  }

  @Test
  void rejectsAVipOutsideTheHostNetwork() {
    ClusterSpec spec = haBuilder().privateVip("10.1.1.1").build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("privateVip");
    assertThat(p.reason()).contains("outside the host network");
    assertThat(p.fix()).isEqualTo("choose a free address inside it, e.g. 192.168.4.254");
  }

  @Test
  void rejectsAVipEqualToAHostIp() {
    ClusterSpec spec = haBuilder().privateVip("192.168.4.31").build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("privateVip");
    assertThat(p.reason()).isEqualTo("is the IP of host master1");
    assertThat(p.fix()).contains("choose an address no host has");
  }

  @Test
  void rejectsAPublicVipEqualToAHostIp() {
    ClusterSpec spec = haBuilder().publicVip("203.0.113.21").build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("publicVip");
    assertThat(p.reason()).isEqualTo("is the IP of host lb1");
    assertThat(p.fix()).contains("free public address");
  }

  @Test
  void rejectsHaWithTwoMasters() {
    ClusterSpec spec = haBuilder().hosts(without(haHosts(), "master3")).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("masters");
    assertThat(p.value()).isEqualTo("2");
    assertThat(p.fix()).contains("masters(3)").contains("Cluster.singleMaster()");
  }

  @Test
  void rejectsHaWithFourMasters() {
    List<Host> hosts = haHosts();
    hosts.add(Host.of("master4", "192.168.4.34", Role.MASTER));
    ClusterSpec spec = haBuilder().hosts(hosts).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("masters");
    assertThat(p.value()).isEqualTo("4");
    assertThat(p.reason()).contains("odd number");
    assertThat(p.fix()).contains("masters(5)");
  }

  @Test
  void rejectsHaWithOneLoadBalancer() {
    ClusterSpec spec = haBuilder().hosts(without(haHosts(), "lb2")).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("loadBalancers");
    assertThat(p.value()).isEqualTo("1");
    assertThat(p.fix()).contains("loadBalancers(\"lb1\", \"lb2\")");
  }

  @Test
  void rejectsHaWithoutVip() {
    ClusterSpec spec = haBuilder().privateVip(Optional.empty()).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("privateVip");
    assertThat(p.reason()).isEqualTo("is missing");
    assertThat(p.fix()).contains("vip(");
  }

  @Test
  void rejectsSingleMasterWithLoadBalancers() {
    ClusterSpec spec = singleMasterBuilder()
        .addHosts(Host.of("lb1", "192.168.4.21", Role.LB), Host.of("lb2", "192.168.4.22", Role.LB)).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("loadBalancers");
    assertThat(p.value()).isEqualTo("2");
    assertThat(p.fix()).contains("Cluster.ha()");
  }

  @Test
  void rejectsSingleMasterWithTwoMasters() {
    ClusterSpec spec = singleMasterBuilder().addHosts(Host.of("master2", "192.168.4.32", Role.MASTER)).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("masters");
    assertThat(p.value()).isEqualTo("2");
    assertThat(p.fix()).contains("masters(1)");
  }

  @Test
  void rejectsSingleMasterWithAVip() {
    ClusterSpec spec = singleMasterBuilder().privateVip("192.168.4.130").build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("privateVip");
    assertThat(p.fix()).contains("remove vip(...)");
  }

  @Test
  void rejectsABastionSettingNamingNoBastionHost() {
    ClusterSpec spec = haBuilder().ssh(SshSettings.builder().user("ops").bastion("jumphost").build()).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("ssh.bastion");
    assertThat(p.value()).isEqualTo("jumphost");
    assertThat(p.fix()).contains("add the bastion to the inventory");
  }

  @Test
  void acceptsABastionNamedByItsPublicAddress() {
    ClusterSpec spec = haBuilder().ssh(SshSettings.builder().bastion("203.0.113.10").build()).build();

    assertThat(SpecValidator.problems(spec)).isEmpty();
    assertThat(spec.bastionHost()).map(Host::name).contains("bastion");
  }

  @Test
  void rejectsLoadBalancerAndMasterOnOneHost() {
    ClusterSpec spec = haBuilder().hosts(changed(haHosts(), "master1",
        h -> Host.builder().from(h).addRoles(Role.LB).build())).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("hosts[master1].roles");
    assertThat(p.value()).isEqualTo("lb,master");
    assertThat(p.reason()).contains("6443");
    assertThat(p.fix()).contains("a host of its own");
  }

  @Test
  void rejectsABastionWithAnotherRole() {
    ClusterSpec spec = haBuilder().hosts(changed(haHosts(), "bastion",
        h -> Host.builder().from(h).addRoles(Role.WORKER).build())).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("hosts[bastion].roles");
    assertThat(p.reason()).contains("dedicated");
    assertThat(p.fix()).contains("no other role");
  }

  @Test
  void rejectsAnNfsHostWithAClusterRole() {
    ClusterSpec spec = haBuilder().hosts(changed(haHosts(), "nfs1",
        h -> Host.builder().from(h).addRoles(Role.WORKER).build())).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("hosts[nfs1].roles");
    assertThat(p.reason()).contains("outside the cluster");
    assertThat(p.fix()).contains("not a master, worker or load balancer");
  }

  @Test
  void rejectsAHostWithoutRoles() {
    ClusterSpec spec = haBuilder().hosts(changed(haHosts(), "nfs1",
        h -> Host.builder().from(h).roles(List.of()).build())).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("hosts[nfs1].roles");
    assertThat(p.fix()).contains("give the host a role");
  }

  @Test
  void rejectsAPodCidrTooSmallForTheNodesAtThePerNodeMask() {
    // 10.0.0.0/23 holds two /24 node ranges; master1, worker1 and worker2 need three.
    ClusterSpec spec = singleMasterBuilder().network(network("10.0.0.0/23", "10.96.0.0/12")).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("network.podCidr");
    assertThat(p.reason()).isEqualTo("holds 2 node ranges of /24 but the cluster has 3 nodes");
    assertThat(p.fix()).isEqualTo("use a larger pod CIDR, e.g. a /22, or a longer nodeCidrMaskSize");
  }

  @Test
  void rejectsANodeMaskShorterThanThePodPrefix() {
    ClusterSpec spec = singleMasterBuilder().network(NetworkPlan.builder().from(SeedCluster.network())
        .nodeCidrMaskSize(12).build()).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("network.nodeCidrMaskSize");
    assertThat(p.fix()).contains("use 24");
  }

  @Test
  void rejectsAServiceCidrTooSmall() {
    ClusterSpec spec = haBuilder().network(network("10.0.0.0/16", "10.96.0.0/25")).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("network.serviceCidr");
    assertThat(p.reason()).isEqualTo("is too small: /25 has 126 addresses");
    assertThat(p.fix()).contains("at least a /24");
  }

  @Test
  void rejectsAServiceCidrTooLarge() {
    ClusterSpec spec = haBuilder().network(network("10.0.0.0/16", "10.96.0.0/11")).build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("network.serviceCidr");
    assertThat(p.reason()).contains("larger than the API server accepts (/12)");
    assertThat(p.fix()).contains("a /12 or smaller");
  }

  @Test
  void rejectsAMalformedKubernetesVersion() {
    for (String version : List.of("1.34", "v1.34.2", "latest", "2.0.1")) {
      ClusterSpec spec = haBuilder().kubernetesVersion(version).build();

      Problem p = onlyProblem(spec);

      assertThat(p.field()).as(version).isEqualTo("kubernetesVersion");
      assertThat(p.value()).isEqualTo(version);
      assertThat(p.fix()).contains("major.minor.patch, e.g. 1.34.2");
    }
  }

  @Test
  void rejectsAKubernetesVersionOlderThanSupported() {
    ClusterSpec spec = haBuilder().kubernetesVersion("1.27.9").build();

    Problem p = onlyProblem(spec);

    assertThat(p.field()).isEqualTo("kubernetesVersion");
    assertThat(p.reason()).contains("older than 1.28");
    assertThat(p.fix()).contains("1.28.0 or newer");
  }

  @Test
  void acceptsTheOldestSupportedKubernetesVersion() {
    assertThat(SpecValidator.problems(haBuilder().kubernetesVersion("1.28.0").build())).isEmpty();
  }

  @Test
  void rejectsAClusterNameThatIsNoDnsLabel() {
    Problem p = onlyProblem(haBuilder().name("Cluster_A").build());

    assertThat(p.field()).isEqualTo("name");
    assertThat(p.fix()).contains("e.g. clustera");
  }

  @Test
  void reportsManyProblemsInOneSpecTogether() {
    List<Host> hosts = new ArrayList<>(without(haHosts(), "master3"));                    // 1: two masters
    hosts = changed(hosts, "worker2", h -> Host.builder().from(h).privateIp("192.168.4.41").build()); // 2: duplicate IP
    ClusterSpec spec = haBuilder()
        .kubernetesVersion("1.34")                                                         // 3: bad version
        .hosts(hosts)
        .network(network("192.168.0.0/16", "10.96.0.0/12"))                                // 4: pods over hosts
        .privateVip("192.168.4.31")                                                        // 5: VIP is master1's IP
        .ssh(SshSettings.builder().bastion("jumphost").build())                            // 6: unknown bastion
        .build();

    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class, () -> SpecValidator.validate(spec));

    assertThat(e).isNotNull();
    assertThat(e.problems()).extracting(Problem::field).containsExactly(
        "kubernetesVersion", "hosts[worker2].privateIp", "masters", "privateVip", "network.podCidr", "ssh.bastion");
    assertThat(e.getMessage()).startsWith("the cluster spec has 6 problems:\n");
    assertThat(e.problems()).allSatisfy(p -> assertThat(e.getMessage()).contains("  - " + p.message()));
  }
}
