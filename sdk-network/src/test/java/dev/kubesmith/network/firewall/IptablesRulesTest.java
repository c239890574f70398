package dev.kubesmith.network.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.network.testing.Clusters;
import dev.kubesmith.network.testing.Golden;
import dev.kubesmith.network.testing.HostFacts;
import dev.kubesmith.network.testing.HostTool;
import dev.kubesmith.network.testing.NetworkNamespace;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.SshSettings;
import java.util.List;
import java.util.Optional;
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
  void dropsInputAndForwardingByDefaultAndSendsThemThroughItsOwnChains() {
    List<String> lines = filter(IptablesRules.render(spec, spec.requireHost("worker1")));

    assertThat(lines).startsWith("*filter", ":INPUT DROP [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]")
        .contains("-A INPUT -j KUBESMITH-INPUT", "-A FORWARD -j KUBESMITH-FORWARD").endsWith("COMMIT");
    assertThat(lines.stream().filter(l -> l.startsWith("-A KUBESMITH-INPUT ")))
        .anySatisfy(l -> assertThat(l).startsWith("-A KUBESMITH-INPUT -i lo "))
        .anySatisfy(l -> assertThat(l).startsWith("-A KUBESMITH-INPUT -m conntrack --ctstate ESTABLISHED,RELATED "))
        .anySatisfy(l -> assertThat(l).startsWith("-A KUBESMITH-INPUT -p tcp -m multiport --dports 80,443 "));
  }

  @Test
  void admitsTheInventorysAddressesAndNotTheNetworkAroundThem() {
    String rules = IptablesRules.render(spec, spec.requireHost("master1"));

    assertThat(rules).doesNotContain("198.18.4.0/24", "-s 198.18.4.0/");
    assertThat(rules.lines().filter(l -> l.startsWith("-A KUBESMITH-HOSTS ")))
        .singleElement().asString().startsWith("-A KUBESMITH-HOSTS -m set --match-set kubesmith-hosts src ");
    assertThat(IptablesRules.renderSet(spec).lines().filter(l -> l.startsWith("add ")).map(l -> l.split(" ")[2]))
        .containsExactly("198.18.4.10/32", "198.18.4.21/32", "198.18.4.22/32", "198.18.4.31/32", "198.18.4.32/31",
            "198.18.4.41/32", "198.18.4.42/31");
    assertThat(IptablesRules.renderSet(spec)).contains("create kubesmith-hosts hash:net family inet ");
  }

  @Test
  void bindsEverySourceRuleToTheInterfaceTheHostsFactsReport() {
    String rules = IptablesRules.render(spec, spec.requireHost("lb1"));

    assertThat(rules).doesNotContain("eth0", "eth1")
        .contains("-A KUBESMITH-INPUT -i {{fact:lb1:private-interface}} -m comment --comment \"kubesmith: cluster hosts on the"
            + " private network\" -j KUBESMITH-HOSTS",
            "-A KUBESMITH-INPUT -i {{fact:lb1:public-interface}} -p tcp --dport 22 -s 198.18.100.10/32 ");
    assertThat(rules.lines().filter(l -> l.contains(" -s ") && l.startsWith("-A KUBESMITH-INPUT")))
        .allSatisfy(l -> assertThat(l).contains(" -i "));
  }

  @Test
  void rendersExplicitInterfacesLiterally() {
    String rules = IptablesRules.render(spec, spec.requireHost("lb1"),
        new IptablesRules.Overrides(Optional.of("bond0"), Optional.of("ens19")));

    assertThat(rules).doesNotContain("{{fact:").contains("-i bond0 -m comment", "-i ens19 -p vrrp -s 198.18.100.22/32 ");
  }

  @Test
  void admitsPodTrafficOnlyOnTheNodesAndOnlyOnCalicosInterfaces() {
    assertThat(IptablesRules.render(spec, spec.requireHost("lb1"))).doesNotContain(Clusters.POD_CIDR);
    assertThat(IptablesRules.render(spec, spec.requireHost("bastion"))).doesNotContain(Clusters.POD_CIDR);
    assertThat(filter(IptablesRules.render(spec, spec.requireHost("worker1"))).stream()
        .filter(l -> l.startsWith("-A KUBESMITH-INPUT ") && l.contains(Clusters.POD_CIDR)).map(l -> l.split(" ")[3]))
        .containsExactly("cali+", "tunl0", "vxlan.calico");
  }

  @Test
  void answersPingOnlyFromTheClustersHosts() {
    for (Host h : spec.hosts()) {
      assertThat(IptablesRules.render(spec, h)).as(h.name()).doesNotContain("icmp");
    }
  }

  @Test
  void forwardsOnlyPodTrafficRepliesAndIngressHostPorts() {
    List<String> forward = filter(IptablesRules.render(spec, spec.requireHost("worker1"))).stream()
        .filter(l -> l.startsWith("-A KUBESMITH-FORWARD ")).map(l -> l.substring(0, l.indexOf(" -m comment") < 0
            ? l.length() : l.indexOf(" -m comment --comment"))).toList();

    assertThat(forward).containsExactly(
        "-A KUBESMITH-FORWARD -m conntrack --ctstate ESTABLISHED,RELATED",
        "-A KUBESMITH-FORWARD -i cali+ -s 10.0.0.0/16", "-A KUBESMITH-FORWARD -i tunl0 -s 10.0.0.0/16",
        "-A KUBESMITH-FORWARD -i vxlan.calico -s 10.0.0.0/16",
        "-A KUBESMITH-FORWARD -i {{fact:worker1:private-interface}} -d 10.0.0.0/16",
        "-A KUBESMITH-FORWARD -d 10.0.0.0/16 -p tcp -m conntrack --ctstate DNAT --ctorigdstport 80",
        "-A KUBESMITH-FORWARD -d 10.0.0.0/16 -p tcp -m conntrack --ctstate DNAT --ctorigdstport 443");
    assertThat(filter(IptablesRules.render(spec, spec.requireHost("lb1"))).stream()
        .filter(l -> l.startsWith("-A KUBESMITH-FORWARD "))).singleElement().asString().contains("ESTABLISHED,RELATED");
  }

  @Test
  void dropsNodePortsAndServiceIpsFromOutsideTheClusterBeforeKubeProxysDnat() {
    String rules = IptablesRules.render(spec, spec.requireHost("worker1"));
    List<String> mangle = rules.lines().dropWhile(l -> !l.equals("*mangle")).takeWhile(l -> !l.equals("COMMIT")).toList();

    assertThat(mangle).contains("-A PREROUTING -j KUBESMITH-PREROUTING");
    assertThat(mangle.stream().filter(l -> l.endsWith("-j DROP")).map(l -> l.substring(0, l.indexOf(" -m comment"))))
        .containsExactly("-A KUBESMITH-PREROUTING -p tcp --dport 30000:32767", "-A KUBESMITH-PREROUTING -p udp --dport 30000:32767",
            "-A KUBESMITH-PREROUTING -d 10.96.0.0/12");
    assertThat(IptablesRules.render(spec, spec.requireHost("lb1"))).doesNotContain("*mangle");
  }

  @Test
  void admitsSshOnlyFromTheBastionsPrivateAndPublicIpEachOnItsInterface() {
    assertThat(sshRules(spec, "master2")).containsExactly(
        "-A KUBESMITH-INPUT -i {{fact:master2:private-interface}} -p tcp --dport 22 -s 198.18.4.10/32",
        "-A KUBESMITH-INPUT -p tcp --dport 22");
    assertThat(sshRules(spec, "lb2")).containsExactly(
        "-A KUBESMITH-INPUT -i {{fact:lb2:private-interface}} -p tcp --dport 22 -s 198.18.4.10/32",
        "-A KUBESMITH-INPUT -i {{fact:lb2:public-interface}} -p tcp --dport 22 -s 198.18.100.10/32",
        "-A KUBESMITH-INPUT -p tcp --dport 22");
    List<String> lines = IptablesRules.render(spec, spec.requireHost("master2")).lines().toList();
    int drop = lines.indexOf(lines.stream().filter(l -> l.contains("ssh from anywhere else")).findFirst().orElseThrow());
    int hosts = lines.indexOf(lines.stream().filter(l -> l.contains("-j KUBESMITH-HOSTS")).findFirst().orElseThrow());
    assertThat(lines.get(drop)).endsWith("-j DROP");
    assertThat(drop).as("SSH from other cluster hosts is dropped before the cluster's hosts are accepted")
        .isLessThan(hosts);
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
  void admitsPublicVrrpOnlyOnLoadBalancersFromTheOtherOnesPublicIpOnThePublicInterface() {
    assertThat(IptablesRules.render(spec, spec.requireHost("lb1")).lines().filter(l -> l.contains("-p vrrp")))
        .singleElement().satisfies(l -> assertThat(l)
            .startsWith("-A KUBESMITH-INPUT -i {{fact:lb1:public-interface}} -p vrrp -s 198.18.100.22/32 "));
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
        // the rules match on the set: it loads first, as apply-firewall.sh and the boot drop-in do
        HostTool.Result set = ns.runWithInput(IptablesRules.renderSet(s), "ipset", "restore");
        assertThat(set.ok()).as(set.describe()).isTrue();
        for (Host h : s.hosts()) {
          HostTool.Result test = ns.runWithInput(HostFacts.fill(IptablesRules.render(s, h)), "iptables-restore", "--test");
          HostTool.Result test6 = ns.runWithInput(Ip6tablesRules.render(s, h), "ip6tables-restore", "--test");

          assertThat(test6.ok()).as(h.name() + ": " + test6.describe()).isTrue();

          assertThat(test.ok()).as(h.name() + ": " + test.describe()).isTrue();
        }
      }
    }
  }

  @Test
  void theRulesDoNotLoadWithoutTheSet() {
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      String rules = HostFacts.fill(IptablesRules.render(spec, spec.requireHost("master1")));

      assertThat(ns.runWithInput(rules, "iptables-restore", "--test").ok()).isFalse();
    }
  }

  @Test
  void iptablesRestoreTestRejectsAMalformedRuleSoThePassingRunMeansSomething() {
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      String broken = HostFacts.fill(IptablesRules.render(spec, spec.requireHost("master1"))).replace("--ctstate", "--ctstatus-of");

      assertThat(ns.runWithInput(broken, "iptables-restore", "--test").ok()).isFalse();
    }
  }

  /** The filter table's lines, without comments. */
  private static List<String> filter(String rules) {
    return rules.lines().dropWhile(l -> !l.equals("*filter")).filter(l -> !l.startsWith("#")).toList();
  }

  private static List<String> sshRules(ClusterSpec spec, String host) {
    return IptablesRules.render(spec, spec.requireHost(host)).lines().filter(l -> l.startsWith("-A KUBESMITH-INPUT ") && l.contains("--dport "))
        .map(l -> l.substring(0, l.indexOf(" -m comment"))).toList();
  }
}
