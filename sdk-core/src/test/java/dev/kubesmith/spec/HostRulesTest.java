package dev.kubesmith.spec;

import static dev.kubesmith.SeedCluster.changed;
import static dev.kubesmith.SeedCluster.haBuilder;
import static dev.kubesmith.SeedCluster.haHosts;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 11: hosts, VIPs, bastions, masters and SSH users that were accepted although wrong. */
class HostRulesTest {

  private static List<Problem> about(ClusterSpec spec, String field) {
    return SpecValidator.problems(spec).stream().filter(p -> p.field().equals(field)).toList();
  }

  @Test
  void rejectsTwoBastionsWhenNoneIsChosen() {
    List<Host> hosts = haHosts();
    hosts.add(Host.builder().name("bastion2").privateIp("192.168.4.11").publicIp("203.0.113.11")
        .addRoles(Role.BASTION).build());
    ClusterSpec spec = haBuilder().hosts(hosts).ssh(SshSettings.builder().user("ops").build()).build();

    assertThat(about(spec, "hosts.bastion")).singleElement().satisfies(p -> {
      assertThat(p.value()).isEqualTo("bastion, bastion2");
      assertThat(p.reason()).contains("more than one host has role bastion");
      assertThat(p.fix()).contains("Ssh.bastion(\"bastion\")", "--bastion bastion", "keep the role bastion on one host");
    });
  }

  @Test
  void acceptsTwoBastionsWhenTheSshSettingsChooseOne() {
    List<Host> hosts = haHosts();
    hosts.add(Host.builder().name("bastion2").privateIp("192.168.4.11").publicIp("203.0.113.11")
        .addRoles(Role.BASTION).build());
    ClusterSpec spec = haBuilder().hosts(hosts)
        .ssh(SshSettings.builder().user("ops").bastion("bastion2").build()).build();

    assertThat(about(spec, "hosts.bastion")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.168.4.0", "192.168.4.255"})
  void rejectsAVipThatIsTheNetworkOrBroadcastAddress(String vip) {
    ClusterSpec spec = haBuilder().privateVip(vip).build();

    assertThat(about(spec, "privateVip")).singleElement().satisfies(p -> {
      assertThat(p.reason()).matches("is the (network|broadcast) address of 192.168.4.0/24, which no host can use");
      assertThat(p.fix()).isEqualTo("choose a free address inside it, e.g. 192.168.4.254");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "127.0.0.5", "255.255.255.255", "224.0.0.1", "169.254.1.1"})
  void rejectsASpecialUseHostIp(String ip) {
    ClusterSpec spec = haBuilder().hosts(changed(haHosts(), "worker1", h -> Host.builder().from(h).privateIp(ip).build()))
        .build();

    assertThat(SpecValidator.problems(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("hosts[worker1].privateIp");
      assertThat(p.reason()).endsWith(", which no host can have");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.168.4.0", "192.168.4.255"})
  void rejectsAHostIpThatIsTheNetworkOrBroadcastAddress(String ip) {
    ClusterSpec spec = haBuilder().hosts(changed(haHosts(), "worker1", h -> Host.builder().from(h).privateIp(ip).build()))
        .build();

    assertThat(SpecValidator.problems(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("hosts[worker1].privateIp");
      assertThat(p.reason()).matches("is the (network|broadcast) address of 192.168.4.0/24");
    });
  }

  @Test
  void rejectsAMulticastPublicIp() {
    ClusterSpec spec = haBuilder().hosts(changed(haHosts(), "lb1", h -> Host.builder().from(h).publicIp("239.1.1.1").build()))
        .build();

    assertThat(about(spec, "hosts[lb1].publicIp")).singleElement()
        .satisfies(p -> assertThat(p.reason()).startsWith("is a multicast address"));
  }

  @Test
  void rejectsMoreMastersThanEtcdRecommends() {
    List<Host> hosts = new ArrayList<>(haHosts().stream().filter(h -> !h.has(Role.MASTER)).toList());
    for (int i = 1; i <= 101; i++) {
      hosts.add(Host.of("master" + i, "192.168.5." + i, Role.MASTER));
    }
    ClusterSpec spec = haBuilder().hosts(hosts).network(NetworkPlan.builder().from(dev.kubesmith.SeedCluster.network())
        .addHostNetworks("192.168.5.0/24").build()).build();

    assertThat(about(spec, "masters")).singleElement().satisfies(p -> {
      assertThat(p.value()).isEqualTo("101");
      assertThat(p.reason()).contains("etcd recommends at most 7");
    });
  }

  @Test
  void acceptsSevenMasters() {
    List<Host> hosts = new ArrayList<>(haHosts());
    for (int i = 4; i <= 7; i++) {
      hosts.add(Host.of("master" + i, "192.168.4." + (30 + i), Role.MASTER));
    }

    assertThat(SpecValidator.problems(haBuilder().hosts(hosts).build())).isEmpty();
  }

  @Test
  void saysAHostnameOf64CharactersIsTooLong() {
    String name = "m".repeat(64);
    ClusterSpec spec = haBuilder().hosts(changed(haHosts(), "worker1", h -> Host.builder().from(h).name(name).build()))
        .build();

    assertThat(SpecValidator.problems(spec)).singleElement()
        .satisfies(p -> assertThat(p.reason()).isEqualTo("is 64 characters, longer than the 63 allowed (a hostname is a DNS label, RFC 1123)"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ops;rm -rf /", "$(id)", "ops`id`", "-oProxyCommand=x", "o ps", ""})
  void rejectsAnSshUserThatIsNoPosixName(String user) {
    ClusterSpec spec = haBuilder().hosts(changed(haHosts(), "worker1", h -> Host.builder().from(h).sshUser(user).build()))
        .build();

    assertThat(about(spec, "hosts[worker1].sshUser")).hasSize(1);
  }

  @Test
  void rejectsAClusterSshUserThatIsNoPosixName() {
    ClusterSpec spec = haBuilder().ssh(SshSettings.builder().user("root;id").bastion("bastion").build()).build();

    assertThat(about(spec, "ssh.user")).singleElement()
        .satisfies(p -> assertThat(p.reason()).startsWith("is not a POSIX user name"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ops", "deploy-user", "_svc", "ci.bot"})
  void acceptsPosixSshUsers(String user) {
    ClusterSpec spec = haBuilder().hosts(changed(haHosts(), "worker1", h -> Host.builder().from(h).sshUser(user).build()))
        .build();

    assertThat(SpecValidator.problems(spec)).isEmpty();
  }
}
