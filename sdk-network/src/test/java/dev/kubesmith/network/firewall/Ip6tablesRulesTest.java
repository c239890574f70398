package dev.kubesmith.network.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.network.testing.Clusters;
import dev.kubesmith.spec.ClusterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class Ip6tablesRulesTest {
  private final ClusterSpec spec = Clusters.ha();

  @Test
  void dropsIpv6InputAndForwardingByDefault() {
    List<String> lines = Ip6tablesRules.render(spec, spec.requireHost("lb1")).lines().filter(l -> !l.startsWith("#")).toList();

    assertThat(lines).startsWith("*filter", ":INPUT DROP [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]",
        ":KUBESMITH-INPUT - [0:0]", "-A INPUT -j KUBESMITH-INPUT").endsWith("COMMIT");
    assertThat(lines.stream().filter(l -> l.startsWith("-A KUBESMITH-INPUT ")))
        .allSatisfy(l -> assertThat(l).endsWith("-j ACCEPT"))
        .noneSatisfy(l -> assertThat(l).contains("echo-request"))
        .noneSatisfy(l -> assertThat(l).contains("--dport"));
  }

  @Test
  void acceptsOnlyTheIcmpv6TheLinkNeedsAndOnlyFromTheLink() {
    List<String> icmp = Ip6tablesRules.render(spec, spec.requireHost("worker1")).lines()
        .filter(l -> l.contains("ipv6-icmp")).toList();

    assertThat(icmp).hasSize(7).allSatisfy(l -> assertThat(l).containsAnyOf("--hl-eq 255", "-s fe80::/10"));
    assertThat(String.join("\n", icmp)).contains("neighbour-solicitation", "neighbour-advertisement", "router-advertisement");
  }
}
