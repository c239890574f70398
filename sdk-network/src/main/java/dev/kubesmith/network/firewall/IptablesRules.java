package dev.kubesmith.network.firewall;

import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Role;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Renders {@code /etc/iptables/rules.v4} for one host, in {@code iptables-restore} format: INPUT
 * drops by default and jumps to the chain {@value #CHAIN}, which accepts loopback, replies,
 * everything from the host networks and the pod CIDR, SSH from the bastion only (from anywhere on
 * the bastion itself, and everywhere when the cluster has no bastion), HTTP/HTTPS from anywhere,
 * VRRP between the load balancers and ping. FORWARD and OUTPUT accept: pods and kube-proxy need them.
 *
 * <pre>{@code
 * String rules = IptablesRules.render(spec, spec.requireHost("master1"));
 * }</pre>
 */
public final class IptablesRules {
  /** Path of the file on the host; netfilter-persistent loads it at boot on Debian. */
  public static final String PATH = "/etc/iptables/rules.v4";
  /** The chain kubesmith owns; the apply script flushes and refills only this one. */
  public static final String CHAIN = "KUBESMITH-INPUT";
  /** The line that sends INPUT through {@link #CHAIN}. */
  public static final String JUMP = "-A INPUT -j " + CHAIN;

  private IptablesRules() {}

  /**
   * The rules for {@code host}; pure, the same input gives the same text.
   *
   * @throws IllegalArgumentException when the spec names a bastion that is not one of its hosts
   *     (the firewall would not know whom to admit SSH from)
   */
  public static String render(ClusterSpec spec, Host host) {
    List<String> rules = new ArrayList<>();
    rules.add(rule("-i lo", "loopback"));
    rules.add(rule("-m conntrack --ctstate ESTABLISHED,RELATED", "replies"));
    // SSH first: only the bastion may SSH in, even from the private network (the seed's hardening)
    rules.addAll(ssh(spec, host));
    spec.network().hostNetworks().forEach(n -> rules.add(rule("-s " + n, "host network")));
    rules.add(rule("-s " + spec.network().podCidr(), "pods reach host services"));
    rules.add(rule("-p tcp -m multiport --dports 80,443", "http and https"));
    if (host.has(Role.LB)) {
      spec.loadBalancers().stream().filter(lb -> !lb.name().equals(host.name()))
          .forEach(lb -> rules.add(rule("-p vrrp -s " + lb.privateIp() + "/32", "vrrp from " + lb.name())));
    }
    rules.add(rule("-p icmp --icmp-type echo-request", "ping"));

    StringBuilder b = new StringBuilder()
        .append("# Written by kubesmith for ").append(host.name()).append(" of cluster ").append(spec.name())
        .append("; changes are overwritten.\n")
        .append("# Applied by ").append(FirewallScript.PATH).append(", which refills only ").append(CHAIN).append(".\n")
        .append("*filter\n")
        .append(":INPUT DROP [0:0]\n")
        .append(":FORWARD ACCEPT [0:0]\n")
        .append(":OUTPUT ACCEPT [0:0]\n")
        .append(':').append(CHAIN).append(" - [0:0]\n")
        .append(JUMP).append('\n');
    rules.forEach(r -> b.append(r).append('\n'));
    return b.append("COMMIT\n").toString();
  }

  /** SSH from the bastion's addresses and from nowhere else; from anywhere on the bastion and when there is none. */
  private static List<String> ssh(ClusterSpec spec, Host host) {
    String port = "-p tcp --dport " + host.sshPort().orElse(spec.ssh().port());
    Optional<Host> bastion = bastion(spec);
    if (bastion.isEmpty() || bastion.get().name().equals(host.name())) {
      return List.of(rule(port, bastion.isEmpty() ? "ssh: no bastion" : "ssh to the bastion"));
    }
    Set<String> from = new LinkedHashSet<>();
    from.add(bastion.get().privateIp());
    bastion.get().publicIp().ifPresent(from::add);
    List<String> rules = new ArrayList<>(from.stream().map(ip -> rule(port + " -s " + ip + "/32", "ssh from the bastion")).toList());
    rules.add(rule(port, "ssh from anywhere else").replace(" -j ACCEPT", " -j DROP"));
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

  private static String rule(String match, String comment) {
    return "-A " + CHAIN + " " + match + " -m comment --comment \"kubesmith: " + comment + "\" -j ACCEPT";
  }
}
