package dev.kubesmith.network.lb;

import dev.kubesmith.network.internal.Interfaces;
import dev.kubesmith.spec.Cidr;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Ipv4;
import java.util.List;
import java.util.Optional;

/**
 * Renders {@code /etc/keepalived/keepalived.conf} for one load balancer: a VRRP instance for the
 * private VIP and, when the spec has a public VIP, one for the public VIP, held in one sync group
 * so both addresses always sit on the same host. Each VIP carries the prefix of the host network it
 * is in, or /32 when it is in none (the usual public VIP). VRRP runs as unicast on the interface
 * each instance is bound to: between the load balancers' private IPs for the private VIP, between
 * their public IPs for the public VIP (the firewall admits each only on its interface), and no
 * password is configured (VRRP authentication was dropped from the standard). Interfaces are each
 * load balancer's own (fact placeholders such as {@code {{fact:lb1:private-interface}}}) unless the
 * settings name them. A new holder announces the VIPs again every {@value #GARP_REFRESH_SECONDS} s
 * (gratuitous ARP), so a client that went back to a dead holder's MAC is corrected; the dead
 * holder's addresses expire by themselves (see {@link HaproxyCheckScript}). Every host starts as BACKUP
 * and preempts: the first load balancer in inventory order has the highest priority (150, then
 * 140, ...) and takes the VIPs back when it is healthy again.
 * An instance goes to FAULT, and gives up its VIPs, when {@link HaproxyCheckScript} fails twice.
 *
 * <pre>{@code
 * String conf = KeepalivedConfig.render(spec, spec.requireHost("lb1"), LoadBalancerSettings.defaults());
 * }</pre>
 */
public final class KeepalivedConfig {
  /** Path of the file on the load balancer. */
  public static final String PATH = "/etc/keepalived/keepalived.conf";
  /** Priority of the first load balancer; each next one has {@link #PRIORITY_STEP} less. */
  public static final int FIRST_PRIORITY = 150;
  public static final int PRIORITY_STEP = 10;
  /** Seconds between the gratuitous ARPs the holder of a VIP keeps sending. */
  public static final int GARP_REFRESH_SECONDS = 2;
  static final String PRIVATE_INSTANCE = "kubesmith_private";
  static final String PUBLIC_INSTANCE = "kubesmith_public";

  private KeepalivedConfig() {}

  /** The configuration for {@code lb}; pure, the same input gives the same text. */
  public static String render(ClusterSpec spec, Host lb, LoadBalancerSettings settings) {
    List<Host> lbs = spec.loadBalancers();
    if (!lbs.contains(lb)) {
      throw new IllegalArgumentException(lb.name() + " is not a load balancer of the spec; they are "
          + lbs.stream().map(Host::name).toList());
    }
    int priority = priority(lbs.indexOf(lb));
    List<Host> others = lbs.stream().filter(h -> !h.name().equals(lb.name())).toList();
    String privateVip = spec.privateVip().orElseThrow(() -> new IllegalArgumentException("the spec has no private VIP"));
    Optional<String> publicVip = spec.publicVip();
    if (publicVip.isPresent() && lbs.stream().anyMatch(h -> h.publicIp().isEmpty())) {
      throw new IllegalArgumentException("the public VIP needs every load balancer's public IP; validate the spec first");
    }

    StringBuilder b = new StringBuilder();
    b.append("# Written by kubesmith for ").append(lb.name()).append(" of cluster ").append(spec.name())
        .append("; changes are overwritten.\n");
    globalDefsAndScript(b, lb);
    publicVip.ifPresent(v -> syncGroup(b));
    instance(b, new Instance(PRIVATE_INSTANCE, privateInterface(lb, settings), settings.virtualRouterId(), priority,
        lb.privateIp(), others.stream().map(Host::privateIp).toList(), withPrefix(spec, privateVip)));
    publicVip.ifPresent(vip -> instance(b, new Instance(PUBLIC_INSTANCE, publicInterface(lb, settings),
        settings.publicVirtualRouterId(), priority, lb.publicIp().orElseThrow(),
        others.stream().map(h -> h.publicIp().orElseThrow()).toList(), withPrefix(spec, vip))));
    return b.toString();
  }

  /** The interface of the private VIP on {@code lb}: the setting, else its fact placeholder. */
  static String privateInterface(Host lb, LoadBalancerSettings settings) {
    return Interfaces.privateOf(lb, settings.privateInterface());
  }

  /** The interface of the public VIP on {@code lb}: the setting, else its fact placeholder. */
  static String publicInterface(Host lb, LoadBalancerSettings settings) {
    return Interfaces.publicOf(lb, settings.publicInterface())
        .orElseThrow(() -> new IllegalArgumentException(lb.name() + " has no public IP for the public VIP"));
  }

  private static void globalDefsAndScript(StringBuilder b, Host lb) {
    b.append('\n')
        .append("global_defs {\n")
        .append("    router_id ").append(lb.name()).append('\n')
        .append("    enable_script_security\n")
        .append("    script_user root\n")
        .append("}\n\n")
        .append("vrrp_script chk_haproxy {\n")
        .append("    script \"").append(HaproxyCheckScript.PATH).append("\"\n")
        .append("    interval 1\n")
        .append("    timeout 2\n")
        .append("    fall 2\n")
        .append("    rise 2\n")
        .append("}\n");
  }

  private static void syncGroup(StringBuilder b) {
    b.append("\n# both VIPs move together\n")
        .append("vrrp_sync_group kubesmith {\n")
        .append("    group {\n")
        .append("        ").append(PRIVATE_INSTANCE).append('\n')
        .append("        ").append(PUBLIC_INSTANCE).append('\n')
        .append("    }\n")
        .append("}\n");
  }

  /** The VRRP priority of the n-th load balancer (0-based) in inventory order. */
  public static int priority(int index) {
    return Math.max(1, FIRST_PRIORITY - PRIORITY_STEP * index);
  }

  /** The VIP with the prefix of the host network it is in, else as a single address (/32). */
  static String withPrefix(ClusterSpec spec, String vip) {
    Ipv4 ip = Ipv4.parse(vip);
    int prefix = spec.network().hostNetworks().stream()
        .map(Cidr::parse).filter(n -> n.contains(ip)).mapToInt(Cidr::prefix).findFirst().orElse(32);
    return vip + "/" + prefix;
  }

  private record Instance(String name, String iface, int routerId, int priority, String source, List<String> peers,
      String vip) {}

  private static void instance(StringBuilder b, Instance i) {
    b.append('\n')
        .append("vrrp_instance ").append(i.name()).append(" {\n")
        // BACKUP everywhere, without nopreempt: the highest priority takes the VIP back
        .append("    state BACKUP\n")
        .append("    interface ").append(i.iface()).append('\n')
        .append("    virtual_router_id ").append(i.routerId()).append('\n')
        .append("    priority ").append(i.priority()).append('\n')
        .append("    advert_int 1\n")
        // a second burst a second after taking over, then one every few seconds for clients
        // that went back to a dead holder's MAC
        .append("    garp_master_delay 1\n")
        .append("    garp_master_refresh ").append(GARP_REFRESH_SECONDS).append('\n');
    if (!i.peers().isEmpty()) {
      b.append("    unicast_src_ip ").append(i.source()).append('\n')
          .append("    unicast_peer {\n");
      i.peers().forEach(p -> b.append("        ").append(p).append('\n'));
      b.append("    }\n");
    }
    // the check script records each state change: it renews a VIP's lease only while MASTER,
    // starts it at once on becoming MASTER, and removes a VIP held in any other state
    b.append("    notify \"").append(HaproxyCheckScript.PATH).append("\"\n")
        .append("    virtual_ipaddress {\n")
        .append("        ").append(i.vip()).append(" dev ").append(i.iface()).append('\n')
        .append("    }\n")
        .append("    track_script {\n")
        .append("        chk_haproxy\n")
        .append("    }\n")
        .append("}\n");
  }
}
