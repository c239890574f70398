package dev.kubesmith.network.lb;

import dev.kubesmith.spec.Cidr;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Ipv4;
import dev.kubesmith.spec.Problem;
import dev.kubesmith.spec.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the load balancer pair needs from the spec. Problems the core validator also finds (a
 * missing VIP, a private IP outside the host networks) are worded as it words them, so equal
 * problems can be reported once.
 */
final class LoadBalancerRules {
  private LoadBalancerRules() {}

  static List<Problem> problems(ClusterSpec spec, LoadBalancerSettings settings) {
    List<Problem> p = new ArrayList<>(settings.problems());
    List<Cidr> nets = hostNetworks(spec);
    if (spec.privateVip().isEmpty()) {
      p.add(Problem.missing("privateVip", "set vip(\"<free address in the host network>\") for the API server endpoint"));
    }
    for (Host lb : spec.loadBalancers()) {
      privateNetwork(spec, lb, nets, p);
      if (spec.publicVip().isPresent() && lb.publicIp().isEmpty()) {
        p.add(new Problem("hosts[" + lb.name() + "].publicIp", null,
            "is missing, but the public VIP " + spec.publicVip().get() + " needs every load balancer on the public network",
            "give " + lb.name() + " its public IP (public=... in the hosts file), or remove publicVip(...)"));
      }
    }
    ingressNodes(spec, settings, p);
    return p;
  }

  /** The load balancer's private IP must be in a host network, and that network must hold the private VIP. */
  private static void privateNetwork(ClusterSpec spec, Host lb, List<Cidr> nets, List<Problem> p) {
    Optional<Ipv4> ip = Ipv4.tryParse(lb.privateIp());
    if (ip.isEmpty()) {
      return;   // the core validator reports a malformed address
    }
    Optional<Cidr> net = nets.stream().filter(n -> n.contains(ip.get())).findFirst();
    if (net.isEmpty()) {
      p.add(new Problem("hosts[" + lb.name() + "].privateIp", lb.privateIp(),
          "is in none of the host networks " + spec.network().hostNetworks(), "add its network with hostNetwork(...)"));
      return;
    }
    spec.privateVip().flatMap(Ipv4::tryParse).filter(vip -> !net.get().contains(vip)).ifPresent(vip ->
        p.add(new Problem("privateVip", vip.toString(), "is outside " + net.get() + ", the network of load balancer "
            + lb.name() + ", so VRRP cannot move it there", "choose a free address in " + net.get())));
  }

  private static void ingressNodes(ClusterSpec spec, LoadBalancerSettings settings, List<Problem> p) {
    String field = LoadBalancerSettings.field(LoadBalancerSettings.INGRESS_NODES);
    Optional<List<String>> own = settings.ingressNodeNames();
    Optional<List<String>> addon = spec.ingressNodeNames();
    if (own.isPresent() && addon.isPresent() && !new java.util.HashSet<>(own.get()).equals(new java.util.HashSet<>(addon.get()))) {
      p.add(new Problem(field, String.join(",", own.get()), "differs from the hosts the ingress addon runs on ("
          + String.join(",", addon.get()) + "), so HAProxy would send 80/443 where no ingress listens",
          "drop ingressNodes from the load balancer: it follows the ingress addon (e.g. Traefik.onNodes(...)) by itself"));
    }
    List<String> nodeNames = spec.nodes().stream().map(Host::name).toList();
    for (String name : settings.ingressNodeNames().orElse(List.of())) {
      Optional<Host> host = spec.host(name);
      if (host.isEmpty()) {
        p.add(new Problem(field, name, "is not a host of the spec", "name masters or workers, e.g. " + nodeNames));
      } else if (!host.get().has(Role.MASTER) && !host.get().has(Role.WORKER)) {
        p.add(new Problem(field, name, "is not a master or worker, so it runs no ingress",
            "name masters or workers, e.g. " + nodeNames));
      }
    }
  }

  private static List<Cidr> hostNetworks(ClusterSpec spec) {
    List<Cidr> nets = new ArrayList<>();
    for (String n : spec.network().hostNetworks()) {
      try {
        nets.add(Cidr.parse(n));
      } catch (IllegalArgumentException e) {
        // the core validator reports a malformed host network
      }
    }
    return nets;
  }
}
