package dev.kubesmith.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kubesmith.SeedCluster;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterSpecYamlTest {

  /** Every optional field set, with values YAML likes to reinterpret (numbers, booleans, nulls). */
  static ClusterSpec haSpecWithEverything() {
    Map<String, String> cniSettings = new LinkedHashMap<>();
    cniSettings.put("mtu", "1440");
    cniSettings.put("version", "3.30");
    cniSettings.put("enabled", "true");
    cniSettings.put("answer", "yes");
    cniSettings.put("nothing", "null");
    cniSettings.put("octal", "010");
    cniSettings.put("empty", "");
    cniSettings.put("colon", "a: b # not a comment");
    cniSettings.put("multiline", "line one\nline two\n");
    return ClusterSpec.builder()
        .name("clustera")
        .topology(Topology.HA)
        .kubernetesVersion("1.30.0")
        .hosts(List.of(
            Host.builder().name("bastion").privateIp("192.168.4.10").publicIp("203.0.113.10").addRoles(Role.BASTION)
                .sshPort(2222).sshUser("jump").build(),
            Host.builder().name("lb1").privateIp("192.168.4.21").publicIp("203.0.113.21").addRoles(Role.LB).build(),
            Host.builder().name("lb2").privateIp("192.168.4.22").publicIp("203.0.113.22").addRoles(Role.LB).build(),
            Host.builder().name("master1").privateIp("192.168.4.31").addRoles(Role.MASTER, Role.WORKER).memoryMib(8192).build(),
            Host.builder().name("master2").privateIp("192.168.4.32").addRoles(Role.MASTER).memoryMib(8192).build(),
            Host.builder().name("master3").privateIp("192.168.5.33").addRoles(Role.MASTER).sshUser("admin").build(),
            Host.builder().name("nfs1").privateIp("192.168.4.50").addRoles(Role.NFS).memoryMib(1024).build()))
        .privateVip("192.168.4.130")
        .publicVip("203.0.113.130")
        .network(NetworkPlan.builder().podCidr("10.0.0.0/16").serviceCidr("10.96.0.0/12")
            .addHostNetworks("192.168.4.0/24", "192.168.5.0/24").nodeCidrMaskSize(25).dnsDomain("clustera.example")
            .addNotes("pod CIDR: the default 10.0.0.0/16 overlaps 10.0.0.0/24, so 10.1.0.0/16 is used instead",
                "- a note that looks like a list item", "1234")
            .build())
        .ssh(SshSettings.builder().user("ops").privateKey("/home/ops/.ssh/id_ed25519").port(2200).bastion("bastion")
            .hostKeyPolicy(HostKeyPolicy.TRUST_ON_FIRST_USE).knownHosts("/home/ops/.ssh/known_hosts_clustera")
            .connectTimeoutSeconds(20).commandTimeoutSeconds(1200).build())
        .addComponents(ComponentSpec.of("stub-lb"), ComponentSpec.of("stub-cni", cniSettings),
            ComponentSpec.of("backup", Map.of("schedule", "0 3 * * *")))
        .build();
  }

  @Test
  void readsBackExactlyTheHaSpecItWrote() {
    ClusterSpec spec = haSpecWithEverything();

    ClusterSpec read = ClusterSpec.fromYaml(spec.toYaml());

    assertThat(read).isEqualTo(spec);
    assertThat(read.kubernetesVersion()).isEqualTo("1.30.0");
    assertThat(read.component("stub-cni").orElseThrow().settings())
        .containsEntry("version", "3.30").containsEntry("enabled", "true").containsEntry("octal", "010")
        .containsEntry("nothing", "null").containsEntry("multiline", "line one\nline two\n");
  }

  @Test
  void readsBackExactlyASingleMasterSpecWithDefaults() {
    ClusterSpec spec = SeedCluster.singleMaster();

    ClusterSpec read = ClusterSpec.fromYaml(spec.toYaml());

    assertThat(read).isEqualTo(spec);
    assertThat(read.privateVip()).isEmpty();
    assertThat(read.ssh()).isEqualTo(SshSettings.defaults());
  }

  @Test
  void keepsVersionsThatLookLikeNumbers() {
    ClusterSpec spec = ClusterSpec.builder().from(SeedCluster.singleMaster()).kubernetesVersion("1.30").name("1234").build();

    assertThat(ClusterSpec.fromYaml(spec.toYaml())).isEqualTo(spec);
  }

  @Test
  void writesReadableYaml() {
    String yaml = SeedCluster.ha().toYaml();

    assertThat(yaml).startsWith("name: clustera\ntopology: HA\nkubernetesVersion: 1.34.2\n")
        .contains("privateVip: 192.168.4.130", "  podCidr: 10.0.0.0/16", "- name: master1", "  - master");
  }

  @Test
  void reportsUnknownKeysWithTheirFieldPath() {
    String yaml = SeedCluster.ha().toYaml()
        .replace("topology: HA\n", "topology: HA\ntopolgy: HA\n")
        .replace("  podCidr: 10.0.0.0/16\n", "  podCidr: 10.0.0.0/16\n  podCIDR: 10.0.0.0/16\n")
        .replace("- name: master2\n", "- name: master2\n  role: master\n");

    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class, () -> ClusterSpec.fromYaml(yaml));

    assertThat(e).isNotNull();
    assertThat(e.problems()).extracting(Problem::field)
        .containsExactlyInAnyOrder("spec.topolgy", "network.podCIDR", "hosts[4].role");
    assertThat(e.problems()).allSatisfy(p -> assertThat(p.reason()).isEqualTo("is not a known field"));
    assertThat(e.problems()).filteredOn(p -> p.field().equals("hosts[4].role"))
        .singleElement().satisfies(p -> assertThat(p.fix()).contains("roles"));
  }

  @Test
  void reportsValuesOfTheWrongType() {
    String yaml = """
        name: clustera
        topology: HA
        network:
          podCidr: [10.0.0.0/16]
          serviceCidr: 10.96.0.0/12
          nodeCidrMaskSize: twenty-four
        ssh:
          port: ssh
        hosts:
        - name: master1
          privateIp: 192.168.4.31
          roles: master
          memoryMib: 8G
        components: stub-cni
        """;

    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class, () -> ClusterSpec.fromYaml(yaml));

    assertThat(e).isNotNull();
    assertThat(e.problems()).extracting(Problem::field).containsExactlyInAnyOrder(
        "network.podCidr", "network.nodeCidrMaskSize", "ssh.port", "hosts[0].roles", "hosts[0].memoryMib", "components");
    assertThat(e.problems()).filteredOn(p -> p.field().equals("hosts[0].roles"))
        .singleElement().satisfies(p -> assertThat(p.reason()).isEqualTo("must be a list"));
    assertThat(e.problems()).filteredOn(p -> p.field().equals("ssh.port"))
        .singleElement().satisfies(p -> {
          assertThat(p.value()).isEqualTo("ssh");
          assertThat(p.reason()).isEqualTo("must be a whole number");
        });
  }

  @Test
  void reportsMissingRequiredFields() {
    String yaml = """
        name: clustera
        network:
          podCidr: 10.0.0.0/16
          serviceCidr: 10.96.0.0/12
        hosts:
        - privateIp: 192.168.4.31
          roles: [master]
        - name: worker1
          roles: [worker]
        components:
        - settings: {mtu: "1440"}
        """;

    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class, () -> ClusterSpec.fromYaml(yaml));

    assertThat(e).isNotNull();
    assertThat(e.problems()).extracting(Problem::field)
        .containsExactlyInAnyOrder("topology", "hosts[0].name", "hosts[1].privateIp", "components[0].name");
    assertThat(e.problems()).allSatisfy(p -> assertThat(p.reason()).isEqualTo("is missing"));
    assertThat(e.problems()).filteredOn(p -> p.field().equals("topology"))
        .singleElement().satisfies(p -> assertThat(p.fix()).contains("topology: <value>"));
  }

  @Test
  void reportsSeveralProblemsOfDifferentKindsTogether() {
    String yaml = """
        topology: RING
        kubernetesVersion: 1.34.2
        colour: blue
        network:
          podCidr: 10.0.0.0/16
          serviceCidr: 10.96.0.0/12
        ssh:
          hostKeyPolicy: ACCEPT_ALL
        hosts:
        - name: master1
          privateIp: 192.168.4.31
          roles: [captain]
        """;

    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class, () -> ClusterSpec.fromYaml(yaml));

    assertThat(e).isNotNull();
    assertThat(e.problems()).extracting(Problem::field)
        .containsExactlyInAnyOrder("spec.colour", "topology", "ssh.hostKeyPolicy", "hosts[0].roles[0]");
    assertThat(e.getMessage()).startsWith("the cluster spec has 4 problems:")
        .contains("topology = RING: is not a topology; use HA or SINGLE_MASTER")
        .contains("ssh.hostKeyPolicy = ACCEPT_ALL")
        .contains("hosts[0].roles[0] = captain");
  }

  @Test
  void reportsYamlThatIsNotAMappingOrNotYamlAtAll() {
    InvalidSpecException list = catchThrowableOfType(InvalidSpecException.class, () -> ClusterSpec.fromYaml("- a\n- b\n"));
    InvalidSpecException broken = catchThrowableOfType(InvalidSpecException.class,
        () -> ClusterSpec.fromYaml("name: [unclosed\n"));

    assertThat(list.problems()).extracting(Problem::field).contains("spec");
    assertThat(list.problems().get(0).reason()).isEqualTo("must be a mapping");
    assertThat(broken.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec");
      assertThat(p.reason()).startsWith("is not valid YAML");
    });
  }
}
