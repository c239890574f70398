package dev.kubesmith.network.firewall;

import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;

/**
 * Renders {@code /etc/iptables/rules.v6} for one host: the cluster runs on IPv4 only, so IPv6 input
 * and forwarding are dropped except loopback, replies to the host's own connections, and the ICMPv6
 * that keeps the link working (neighbour discovery, router advertisements, multicast listener
 * queries, all link-local with hop limit 255 or 1 as RFC 4861 and RFC 3810 require). Errors such as
 * packet-too-big for the host's own connections are RELATED and pass with the replies.
 *
 * <pre>{@code
 * String rules6 = Ip6tablesRules.render(spec, spec.requireHost("master1"));
 * }</pre>
 */
public final class Ip6tablesRules {
  /** Path of the file on the host; netfilter-persistent loads it at boot on Debian. */
  public static final String PATH = "/etc/iptables/rules.v6";

  private Ip6tablesRules() {}

  /** The rules for {@code host}; pure, the same text for every host of the cluster (one shared copy in a plan). */
  public static String render(ClusterSpec spec, Host host) {
    String c = IptablesRules.CHAIN;
    StringBuilder b = new StringBuilder()
        .append("# Written by kubesmith for every host of cluster ").append(spec.name())
        .append("; changes are overwritten.\n")
        .append("# The cluster is IPv4 only: IPv6 is dropped but for what the link itself needs.\n")
        .append("*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n")
        .append(':').append(c).append(" - [0:0]\n")
        .append(IptablesRules.JUMP).append('\n');
    line(b, "-i lo", "loopback");
    line(b, "-m conntrack --ctstate ESTABLISHED,RELATED", "replies");
    for (String type : new String[] {"neighbour-solicitation", "neighbour-advertisement", "router-advertisement"}) {
      line(b, "-p ipv6-icmp --icmpv6-type " + type + " -m hl --hl-eq 255", "neighbour discovery");
    }
    for (int type : new int[] {130, 131, 132, 143}) {
      line(b, "-s fe80::/10 -p ipv6-icmp --icmpv6-type " + type + " -m hl --hl-eq 1", "multicast listener discovery");
    }
    return b.append("COMMIT\n").toString();
  }

  private static void line(StringBuilder b, String match, String comment) {
    b.append("-A ").append(IptablesRules.CHAIN).append(' ').append(match)
        .append(" -m comment --comment \"kubesmith: ").append(comment).append("\" -j ACCEPT\n");
  }
}
