package dev.kubesmith.network.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.network.testing.Clusters;
import dev.kubesmith.network.testing.Golden;
import dev.kubesmith.network.testing.HostTool;
import dev.kubesmith.network.testing.NetworkNamespace;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.SshSettings;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class IptablesRulesTest {
  private final ClusterSpec spec = Clusters.ha();

  @BeforeAll
  static void root() {
    HostTool.requireRoot();
  }

  @Test
  void rendersTheReviewedRulesForAMasterALoadBalancerAndTheBastion() {
    for (String host : List.of("master1", "lb1", "bastion")) {
      Golden.assertMatches("rules-" + host + ".v4", IptablesRules.render(spec, spec.requireHost(host)));
    }
  }

  @Test
  void dropsInputByDefaultAndSendsItThroughItsOwnChain() {
    List<String> lines = IptablesRules.render(spec, spec.requireHost("worker1")).lines()
        .filter(l -> !l.startsWith("#")).toList();

    assertThat(lines).startsWith("*filter", ":INPUT DROP [0:0]", ":FORWARD ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]",
        ":KUBESMITH-INPUT - [0:0]", "-A INPUT -j KUBESMITH-INPUT").endsWith("COMMIT");
    assertThat(lines.stream().filter(l -> l.startsWith("-A ") && !l.startsWith("-A KUBESMITH-INPUT ")))
        .containsExactly("-A INPUT -j KUBESMITH-INPUT");
    assertThat(lines.stream().filter(l -> l.startsWith("-A KUBESMITH-INPUT ")))
        .allSatisfy(l -> assertThat(l).endsWith(l.contains("ssh from anywhere else") ? "-j DROP" : "-j ACCEPT"))
        .anySatisfy(l -> assertThat(l).startsWith("-A KUBESMITH-INPUT -i lo "))
        .anySatisfy(l -> assertThat(l).startsWith("-A KUBESMITH-INPUT -m conntrack --ctstate ESTABLISHED,RELATED "))
        .anySatisfy(l -> assertThat(l).startsWith("-A KUBESMITH-INPUT -s 198.18.4.0/24 "))
        .anySatisfy(l -> assertThat(l).startsWith("-A KUBESMITH-INPUT -s 10.0.0.0/16 "))
        .anySatisfy(l -> assertThat(l).startsWith("-A KUBESMITH-INPUT -p tcp -m multiport --dports 80,443 "))
        .anySatisfy(l -> assertThat(l).startsWith("-A KUBESMITH-INPUT -p icmp --icmp-type echo-request "));
  }

  @Test
  void admitsSshOnlyFromTheBastionsPrivateAndPublicIp() {
    assertThat(sshRules(spec, "master2")).containsExactly(
        "-A KUBESMITH-INPUT -p tcp --dport 22 -s 198.18.4.10/32",
        "-A KUBESMITH-INPUT -p tcp --dport 22 -s 198.18.100.10/32",
        "-A KUBESMITH-INPUT -p tcp --dport 22");
    List<String> lines = IptablesRules.render(spec, spec.requireHost("master2")).lines().toList();
    int drop = lines.indexOf(lines.stream().filter(l -> l.contains("ssh from anywhere else")).findFirst().orElseThrow());
    int hostNetwork = lines.indexOf(lines.stream().filter(l -> l.contains("host network")).findFirst().orElseThrow());
    assertThat(lines.get(drop)).endsWith("-j DROP");
    assertThat(drop).as("SSH from other cluster hosts is dropped before the host network is accepted")
        .isLessThan(hostNetwork);
  }

  @Test
  void admitsSshFromAnywhereOnTheBastionItself() {
    assertThat(sshRules(spec, "bastion")).containsExactly("-A KUBESMITH-INPUT -p tcp --dport 22");
  }

  @Test
  void admitsSshFromAnywhereWhenThereIsNoBastion() {
    assertThat(sshRules(Clusters.haWithoutBastion(), "master1")).containsExactly("-A KUBESMITH-INPUT -p tcp --dport 22");
  }

  @Test
  void usesTheHostsOwnSshPortElseTheClusters() {
    Host m1 = Host.builder().from(spec.requireHost("master1")).sshPort(2222).build();
    ClusterSpec s = ClusterSpec.builder().from(spec)
        .hosts(spec.hosts().stream().map(h -> h.name().equals("master1") ? m1 : h).toList())
        .ssh(SshSettings.builder().from(spec.ssh()).port(2200).build()).build();

    assertThat(sshRules(s, "master1")).allSatisfy(r -> assertThat(r).contains("--dport 2222"));
    assertThat(sshRules(s, "master2")).allSatisfy(r -> assertThat(r).contains("--dport 2200"));
  }

  @Test
  void admitsVrrpOnlyOnLoadBalancersAndOnlyFromTheOtherOnes() {
    assertThat(IptablesRules.render(spec, spec.requireHost("lb1")).lines().filter(l -> l.contains("-p vrrp")))
        .singleElement().satisfies(l -> assertThat(l).startsWith("-A KUBESMITH-INPUT -p vrrp -s 198.18.4.22/32 "));
    assertThat(IptablesRules.render(spec, spec.requireHost("master1"))).doesNotContain("vrrp");
  }

  @Test
  void refusesABastionThatIsNotAHostRatherThanOpenSsh() {
    ClusterSpec s = ClusterSpec.builder().from(Clusters.haWithoutBastion())
        .ssh(SshSettings.builder().bastion("jump.example.com").build()).build();

    assertThatThrownBy(() -> IptablesRules.render(s, s.requireHost("master1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jump.example.com");
  }

  @Test
  void everyHostsRulesLoadWithIptablesRestoreInAThrowawayNamespace() {
    for (ClusterSpec s : List.of(Clusters.ha(), Clusters.haWithoutBastion(), Clusters.singleMaster())) {
      try (NetworkNamespace ns = NetworkNamespace.create()) {
        for (Host h : s.hosts()) {
          HostTool.Result test = ns.runWithInput(IptablesRules.render(s, h), "iptables-restore", "--test");

          assertThat(test.ok()).as(h.name() + ": " + test.describe()).isTrue();
        }
      }
    }
  }

  @Test
  void iptablesRestoreTestRejectsAMalformedRuleSoThePassingRunMeansSomething() {
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      String broken = IptablesRules.render(spec, spec.requireHost("master1")).replace("--ctstate", "--ctstatus-of");

      assertThat(ns.runWithInput(broken, "iptables-restore", "--test").ok()).isFalse();
    }
  }

  private static List<String> sshRules(ClusterSpec spec, String host) {
    return IptablesRules.render(spec, spec.requireHost(host)).lines().filter(l -> l.contains("--dport "))
        .map(l -> l.substring(0, l.indexOf(" -m comment"))).toList();
  }
}
