package dev.kubesmith.network.firewall;

import dev.kubesmith.network.internal.Interfaces;
import dev.kubesmith.spec.Cidr;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Renders {@code /etc/iptables/rules.v4} for one host, in {@code iptables-restore} format. Sources
 * are the inventory's own addresses (never the network around them), each bound to the interface it
 * must arrive on, so a stranger on the private network and a forged private source on a public
 * interface are both dropped:
 * <ul>
 *   <li>INPUT drops by default and jumps first to {@value #CHAIN}: loopback, replies, SSH from the
 *       bastion only, everything from the cluster's hosts on the private interface (chain
 *       {@value #HOSTS}), pod traffic on the nodes' Calico interfaces, HTTP/HTTPS from anywhere, and
 *       VRRP from the other load balancers' public IPs on the public interface. Ping is not answered
 *       from outside the cluster.
 *   <li>FORWARD drops by default; {@value #FORWARD_CHAIN} comes last (after Calico's and kube-proxy's
 *       chains, which keep deciding first) and lets through replies, pod traffic, traffic from the
 *       cluster's hosts to pods, and ingress host ports 80/443 DNAT'ed to pods.
 *   <li>On masters and workers, {@value #GATE} in mangle PREROUTING drops new connections to NodePorts
 *       and service IPs from anyone but the cluster's hosts and pods before kube-proxy's DNAT: once
 *       DNAT'ed, kube-proxy's own FORWARD rule would accept them.
 * </ul>
 *
 * <pre>{@code
 * String rules = IptablesRules.render(spec, spec.requireHost("master1"));   // interfaces as fact placeholders
 * }</pre>
 */
public final class IptablesRules {
  /** Path of the file on the host; netfilter-persistent loads it at boot on Debian. */
  public static final String PATH = "/etc/iptables/rules.v4";
  /** The INPUT chain kubesmith owns; the apply script flushes and refills only its own chains. */
  public static final String CHAIN = "KUBESMITH-INPUT";
  /** The chain accepting the cluster's hosts, by their addresses (the set {@value #SET}). */
  public static final String HOSTS = "KUBESMITH-HOSTS";
  /** The ipset holding every inventory host's private address, the same on every host. */
  public static final String SET = "kubesmith-hosts";
  /** The set's file, in {@code ipset restore} format; {@link FirewallScript} loads it before the rules. */
  public static final String SET_PATH = "/etc/iptables/kubesmith-hosts.ipset";
  /** The FORWARD chain kubesmith owns. */
  public static final String FORWARD_CHAIN = "KUBESMITH-FORWARD";
  /** The mangle PREROUTING chain guarding NodePorts and service IPs on the nodes. */
  public static final String GATE = "KUBESMITH-PREROUTING";
  /** The line that sends INPUT through {@link #CHAIN}. */
  public static final String JUMP = "-A INPUT -j " + CHAIN;
  /** kube-proxy's default NodePort range (kube-apiserver --service-node-port-range). */
  public static final String NODE_PORTS = "30000:32767";
  /** Where pod traffic arrives with Calico: its workload interfaces and its IPIP and VXLAN tunnels. */
  static final List<String> POD_INTERFACES = List.of("cali+", "tunl0", "vxlan.calico");

  /** Interface names given explicitly, rendered as they are instead of the host's facts. */
  public record Overrides(Optional<String> privateInterface, Optional<String> publicInterface) {
    public static final Overrides NONE = new Overrides(Optional.empty(), Optional.empty());
  }

  private IptablesRules() {}

  /** The rules for {@code host} with its interfaces as fact placeholders. */
  public static String render(ClusterSpec spec, Host host) {
    return render(spec, host, Overrides.NONE);
  }

  /**
   * The rules for {@code host}; pure, the same input gives the same text.
   *
   * @throws IllegalArgumentException when the spec names a bastion that is not one of its hosts
   *     (the firewall would not know whom to admit SSH from)
   */
  public static String render(ClusterSpec spec, Host host, Overrides overrides) {
    String priv = Interfaces.privateOf(host, overrides.privateInterface());
    Optional<String> pub = Interfaces.publicOf(host, overrides.publicInterface());
    boolean node = host.has(Role.MASTER) || host.has(Role.WORKER);
    StringBuilder b = new StringBuilder()
        .append("# Written by kubesmith for ").append(host.name()).append(" of cluster ").append(spec.name())
        .append("; changes are overwritten.\n")
        .append("# Applied by ").append(FirewallScript.PATH).append(", which refills only the KUBESMITH-* chains.\n");
    if (node) {
      mangle(b, spec, priv);
    }
    b.append("*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n")
        .append(':').append(CHAIN).append(" - [0:0]\n")
        .append(':').append(HOSTS).append(" - [0:0]\n")
        .append(':').append(FORWARD_CHAIN).append(" - [0:0]\n")
        .append(JUMP).append('\n')
        .append("-A FORWARD -j ").append(FORWARD_CHAIN).append('\n');
    b.append(accept(HOSTS, "-m set --match-set " + SET + " src", "cluster host")).append('\n');
    input(spec, host, priv, pub, node).forEach(r -> b.append(r).append('\n'));
    forward(spec, priv, node).forEach(r -> b.append(r).append('\n'));
    return b.append("COMMIT\n").toString();
  }

  /**
   * The set {@value #SET} of every inventory host's private address, in the fewest blocks that hold
   * exactly them ({@link AddressBlocks}), as {@code ipset restore} reads it. Host-independent: one
   * text serves every host, so a plan holds it once however many hosts there are.
   */
  public static String renderSet(ClusterSpec spec) {
    List<Cidr> blocks = AddressBlocks.cover(spec.hosts().stream().map(Host::privateIp).toList());
    StringBuilder b = new StringBuilder()
        .append("# Written by kubesmith: the private addresses of cluster ").append(spec.name())
        .append("'s hosts; changes are overwritten.\n")
        .append("create ").append(SET).append(" hash:net family inet hashsize 1024 maxelem ")
        .append(Math.max(65536, blocks.size())).append('\n');
    blocks.forEach(c -> b.append("add ").append(SET).append(' ').append(c).append('\n'));
    return b.toString();
  }

  private static List<String> input(ClusterSpec spec, Host host, String priv, Optional<String> pub, boolean node) {
    List<String> rules = new ArrayList<>();
    rules.add(accept(CHAIN, "-i lo", "loopback"));
    rules.add(accept(CHAIN, "-m conntrack --ctstate ESTABLISHED,RELATED", "replies"));
    // SSH first: only the bastion may SSH in, even from the cluster's hosts (the seed's hardening)
    rules.addAll(ssh(spec, host, priv, pub));
    rules.add(rule(CHAIN, "-i " + priv, "cluster hosts on the private network", HOSTS));
    if (node) {
      String pods = spec.network().podCidr();
      POD_INTERFACES.forEach(i -> rules.add(accept(CHAIN, "-i " + i + " -s " + pods, "pods reach host services")));
    }
    rules.add(accept(CHAIN, "-p tcp -m multiport --dports 80,443", "http and https"));
    if (host.has(Role.LB) && spec.publicVip().isPresent() && pub.isPresent()) {
      spec.loadBalancers().stream().filter(lb -> !lb.name().equals(host.name())).forEach(lb -> lb.publicIp()
          .ifPresent(ip -> rules.add(accept(CHAIN, "-i " + pub.get() + " -p vrrp -s " + ip + "/32",
              "vrrp of the public vip from " + lb.name()))));
    }
    return rules;
  }

  private static List<String> forward(ClusterSpec spec, String priv, boolean node) {
    List<String> rules = new ArrayList<>();
    rules.add(accept(FORWARD_CHAIN, "-m conntrack --ctstate ESTABLISHED,RELATED", "replies"));
    if (node) {
      String pods = spec.network().podCidr();
      POD_INTERFACES.forEach(i -> rules.add(accept(FORWARD_CHAIN, "-i " + i + " -s " + pods, "pod traffic")));
      rules.add(rule(FORWARD_CHAIN, "-i " + priv + " -d " + pods, "cluster hosts reach pods", HOSTS));
      for (String port : List.of("80", "443")) {
        rules.add(accept(FORWARD_CHAIN, "-d " + pods + " -p tcp -m conntrack --ctstate DNAT --ctorigdstport " + port,
            "ingress host port " + port));
      }
    }
    return rules;
  }

  /** mangle: NodePorts and service IPs only for the cluster's hosts and pods, checked before kube-proxy's DNAT. */
  private static void mangle(StringBuilder b, ClusterSpec spec, String priv) {
    b.append("*mangle\n:PREROUTING ACCEPT [0:0]\n")
        .append(':').append(GATE).append(" - [0:0]\n")
        .append("-A PREROUTING -j ").append(GATE).append('\n');
    List<String> r = new ArrayList<>();
    r.add(rule(GATE, "-m conntrack ! --ctstate NEW", "only new connections are checked", "RETURN"));
    r.add(rule(GATE, "-i lo", "loopback", "RETURN"));
    r.add(rule(GATE, "-i " + priv + " -m set --match-set " + SET + " src", "cluster host", "RETURN"));
    POD_INTERFACES.forEach(i -> r.add(rule(GATE, "-i " + i + " -s " + spec.network().podCidr(), "pods", "RETURN")));
    r.add(rule(GATE, "-p tcp --dport " + NODE_PORTS, "nodeports from outside the cluster", "DROP"));
    r.add(rule(GATE, "-p udp --dport " + NODE_PORTS, "nodeports from outside the cluster", "DROP"));
    r.add(rule(GATE, "-d " + spec.network().serviceCidr(), "service ips from outside the cluster", "DROP"));
    r.forEach(l -> b.append(l).append('\n'));
    b.append("COMMIT\n");
  }

  /** SSH from the bastion's addresses, each on the interface it arrives on, and from nowhere else. */
  private static List<String> ssh(ClusterSpec spec, Host host, String priv, Optional<String> pub) {
    String port = "-p tcp --dport " + host.sshPort().orElse(spec.ssh().port());
    Optional<Host> bastion = bastion(spec);
    if (bastion.isEmpty() || bastion.get().name().equals(host.name())) {
      return List.of(accept(CHAIN, port, bastion.isEmpty() ? "ssh: no bastion" : "ssh to the bastion"));
    }
    List<String> rules = new ArrayList<>();
    rules.add(accept(CHAIN, "-i " + priv + " " + port + " -s " + bastion.get().privateIp() + "/32", "ssh from the bastion"));
    if (pub.isPresent() && bastion.get().publicIp().isPresent()) {
      rules.add(accept(CHAIN, "-i " + pub.get() + " " + port + " -s " + bastion.get().publicIp().get() + "/32",
          "ssh from the bastion"));
    }
    rules.add(rule(CHAIN, port, "ssh from anywhere else", "DROP"));
    return rules;
  }

  /** The bastion host, or empty when the spec has none; throws when it names one that is not a host. */
  static Optional<Host> bastion(ClusterSpec spec) {
    if (spec.ssh().bastion().isPresent() && spec.bastionHost().isEmpty()) {
      throw new IllegalArgumentException("the bastion '" + spec.ssh().bastion().get()
          + "' is not a host with role bastion; the firewall cannot admit SSH from it");
    }
    return spec.bastionHost();
  }

  private static String accept(String chain, String match, String comment) {
    return rule(chain, match, comment, "ACCEPT");
  }

  private static String rule(String chain, String match, String comment, String target) {
    return "-A " + chain + " " + match + " -m comment --comment \"kubesmith: " + comment + "\" -j " + target;
  }
}
