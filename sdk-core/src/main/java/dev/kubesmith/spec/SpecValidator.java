package dev.kubesmith.spec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a {@link ClusterSpec} before any host is touched and reports every problem at once, each
 * with the field, the value and what would fix it.
 *
 * <pre>{@code
 * List<Problem> problems = SpecValidator.problems(spec);   // empty when the spec is valid
 * SpecValidator.validate(spec);                            // or throw InvalidSpecException with all of them
 * }</pre>
 */
public final class SpecValidator {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");
  /** The oldest Kubernetes minor version kubesmith plans for. */
  public static final int MIN_MINOR = 28;
  /** The smallest service CIDR accepted: /24 gives 254 service addresses. */
  public static final int SMALLEST_SERVICE_PREFIX = 24;
  /** The API server refuses service CIDRs larger than /12. */
  public static final int LARGEST_SERVICE_PREFIX = 12;

  private SpecValidator() {}

  public static void validate(ClusterSpec spec) {
    List<Problem> problems = problems(spec);
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
  }

  public static List<Problem> problems(ClusterSpec spec) {
    List<Problem> p = new ArrayList<>();
    if (!DNS_LABEL.matcher(spec.name()).matches()) {
      p.add(new Problem("name", spec.name(), "is not a DNS label", "use lower-case letters, digits and '-', e.g. clustera"));
    }
    version(spec.kubernetesVersion(), p);
    hosts(spec, p);
    topology(spec, p);
    vips(spec, p);
    network(spec, p);
    ssh(spec, p);
    return p;
  }

  /** The Kubernetes minor version, e.g. 34 for 1.34.2; -1 when the version is malformed. */
  public static int minor(String version) {
    var m = VERSION.matcher(version.startsWith("v") ? version.substring(1) : version);
    return m.matches() && m.group(1).equals("1") ? Integer.parseInt(m.group(2)) : -1;
  }

  private static void version(String v, List<Problem> p) {
    int minor = minor(v);
    if (minor < 0 || v.startsWith("v")) {
      p.add(new Problem("kubernetesVersion", v, "is not a Kubernetes version", "write major.minor.patch, e.g. 1.34.2"));
    } else if (minor < MIN_MINOR) {
      p.add(new Problem("kubernetesVersion", v, "is older than 1." + MIN_MINOR + ", which kubesmith supports",
          "choose 1." + MIN_MINOR + ".0 or newer, e.g. " + ClusterSpec.DEFAULT_KUBERNETES_VERSION));
    }
  }

  private static void hosts(ClusterSpec spec, List<Problem> p) {
    if (spec.hosts().isEmpty()) {
      p.add(new Problem("hosts", "[]", "is empty", "load an inventory with Inventory.load(path) and pass it to inventory(...)"));
    }
    Map<String, String> names = new HashMap<>();
    Map<String, String> ips = new HashMap<>();
    for (Host h : spec.hosts()) {
      String f = "hosts[" + h.name() + "]";
      if (!DNS_LABEL.matcher(h.name()).matches()) {
        p.add(new Problem(f + ".name", h.name(), "is not a valid hostname", "use lower-case letters, digits and '-', e.g. master1"));
      }
      if (names.put(h.name(), h.name()) != null) {
        p.add(new Problem(f + ".name", h.name(), "is used by two hosts", "give every host its own name"));
      }
      if (Ipv4.tryParse(h.privateIp()).isEmpty()) {
        p.add(new Problem(f + ".privateIp", h.privateIp(), "is not an IPv4 address", "write e.g. 192.168.4.31"));
      } else {
        String other = ips.put(h.privateIp(), h.name());
        if (other != null) {
          p.add(new Problem(f + ".privateIp", h.privateIp(), "is also the private IP of " + other,
              "give every host its own private IP"));
        }
      }
      h.publicIp().filter(ip -> Ipv4.tryParse(ip).isEmpty()).ifPresent(ip ->
          p.add(new Problem(f + ".publicIp", ip, "is not an IPv4 address", "write e.g. public=203.0.113.31")));
      h.sshPort().stream().filter(port -> port < 1 || port > 65535).forEach(port ->
          p.add(new Problem(f + ".sshPort", String.valueOf(port), "is not a TCP port", "use 1-65535")));
      roles(f, h, p);
    }
  }

  private static void roles(String f, Host h, List<Problem> p) {
    Set<Role> r = h.roles();
    if (r.isEmpty()) {
      p.add(new Problem(f + ".roles", "[]", "is empty", "give the host a role: bastion, lb, master, worker or nfs"));
    }
    if (r.contains(Role.LB) && (r.contains(Role.MASTER) || r.contains(Role.WORKER))) {
      p.add(new Problem(f + ".roles", labels(r), "lb excludes master and worker (haproxy and the API server both bind 6443, ingress 80/443)",
          "put the load balancer on a host of its own"));
    }
    if (r.contains(Role.BASTION) && r.size() > 1) {
      p.add(new Problem(f + ".roles", labels(r), "a bastion must be dedicated", "give the bastion no other role"));
    }
    if (r.contains(Role.NFS) && (r.contains(Role.MASTER) || r.contains(Role.WORKER) || r.contains(Role.LB))) {
      p.add(new Problem(f + ".roles", labels(r), "the NFS backup host must be outside the cluster",
          "use a host that is not a master, worker or load balancer"));
    }
  }

  private static String labels(Set<Role> roles) {
    return String.join(",", roles.stream().map(Role::label).toList());
  }

  private static void topology(ClusterSpec spec, List<Problem> p) {
    int masters = spec.masters().size();
    int lbs = spec.loadBalancers().size();
    if (spec.topology() == Topology.HA) {
      if (masters < 3 || masters % 2 == 0) {
        p.add(new Problem("masters", String.valueOf(masters), "an HA control plane needs an odd number of masters, at least 3 (etcd quorum)",
            "use masters(3) or masters(5), or Cluster.singleMaster()"));
      }
      if (lbs < 2) {
        p.add(new Problem("loadBalancers", String.valueOf(lbs), "HA needs a pair of load balancers for the floating IPs",
            "add two hosts with role lb and loadBalancers(\"lb1\", \"lb2\")"));
      }
      if (spec.privateVip().isEmpty()) {
        p.add(Problem.missing("privateVip", "set vip(\"<free address in the host network>\") for the API server endpoint"));
      }
    } else {
      if (masters != 1) {
        p.add(new Problem("masters", String.valueOf(masters), "a single-master cluster has exactly one master",
            "use masters(1), or Cluster.ha() for 3+"));
      }
      if (lbs > 0) {
        p.add(new Problem("loadBalancers", String.valueOf(lbs), "a single-master cluster has no load balancers",
            "remove the lb hosts, or use Cluster.ha()"));
      }
      spec.privateVip().ifPresent(v -> p.add(new Problem("privateVip", v, "a single-master cluster has no floating IP",
          "remove vip(...), or use Cluster.ha()")));
      spec.publicVip().ifPresent(v -> p.add(new Problem("publicVip", v, "a single-master cluster has no floating IP",
          "remove publicVip(...); the ingress answers on the master's public IP")));
    }
  }

  private static void vips(ClusterSpec spec, List<Problem> p) {
    List<Cidr> nets = parsed(spec.network().hostNetworks());
    spec.privateVip().ifPresent(vip -> Ipv4.tryParse(vip).ifPresentOrElse(ip -> {
      if (nets.stream().noneMatch(n -> n.contains(ip))) {
        p.add(new Problem("privateVip", vip, "is outside the host network " + spec.network().hostNetworks(),
            "choose a free address inside it, e.g. " + suggestVip(spec, nets)));
      }
      usedBy(spec, vip).ifPresent(h -> p.add(new Problem("privateVip", vip, "is the IP of host " + h,
          "choose an address no host has, e.g. " + suggestVip(spec, nets))));
    }, () -> p.add(new Problem("privateVip", vip, "is not an IPv4 address", "write e.g. 192.168.4.130"))));
    spec.publicVip().ifPresent(vip -> {
      if (Ipv4.tryParse(vip).isEmpty()) {
        p.add(new Problem("publicVip", vip, "is not an IPv4 address", "write e.g. 203.0.113.130"));
      }
      usedBy(spec, vip).ifPresent(h -> p.add(new Problem("publicVip", vip, "is the IP of host " + h,
          "choose a free public address routed to both load balancers")));
      if (vip.equals(spec.privateVip().orElse(null))) {
        p.add(new Problem("publicVip", vip, "equals the private VIP", "use two different addresses"));
      }
    });
  }

  private static Optional<String> usedBy(ClusterSpec spec, String ip) {
    return spec.hosts().stream().filter(h -> h.privateIp().equals(ip) || ip.equals(h.publicIp().orElse(null)))
        .map(Host::name).findFirst();
  }

  private static String suggestVip(ClusterSpec spec, List<Cidr> nets) {
    if (nets.isEmpty()) {
      return "an address in the hosts' network";
    }
    Cidr n = nets.get(0);
    for (long i = n.size() - 2; i > 0; i--) {
      String ip = n.address(i).toString();
      if (usedBy(spec, ip).isEmpty()) {
        return ip;
      }
    }
    return "a free address in " + n;
  }

  private static void network(ClusterSpec spec, List<Problem> p) {
    NetworkPlan n = spec.network();
    Cidr pod = cidr("network.podCidr", n.podCidr(), "podCidr(\"10.0.0.0/16\")", p);
    Cidr svc = cidr("network.serviceCidr", n.serviceCidr(), "serviceCidr(\"10.96.0.0/12\")", p);
    List<Cidr> hostNets = new ArrayList<>();
    for (int i = 0; i < n.hostNetworks().size(); i++) {
      Cidr c = cidr("network.hostNetworks[" + i + "]", n.hostNetworks().get(i), "hostNetwork(\"192.168.4.0/24\")", p);
      if (c != null) {
        hostNets.add(c);
      }
    }
    for (Host h : spec.hosts()) {
      Ipv4.tryParse(h.privateIp()).filter(ip -> hostNets.stream().noneMatch(c -> c.contains(ip)))
          .ifPresent(ip -> p.add(new Problem("hosts[" + h.name() + "].privateIp", h.privateIp(),
              "is in none of the host networks " + n.hostNetworks(), "add its network with hostNetwork(...)")));
    }
    for (Cidr h : hostNets) {
      if (pod != null && pod.overlaps(h)) {
        p.add(new Problem("network.podCidr", n.podCidr(), "overlaps the host network " + h,
            "choose e.g. " + free(hostNets, svc, "10.0.0.0/16", "10.244.0.0/16", "172.16.0.0/16") + " with podCidr(...)"));
      }
      if (svc != null && svc.overlaps(h)) {
        p.add(new Problem("network.serviceCidr", n.serviceCidr(), "overlaps the host network " + h,
            "choose e.g. " + free(hostNets, pod, "10.96.0.0/12", "10.112.0.0/12", "172.16.0.0/12") + " with serviceCidr(...)"));
      }
    }
    if (pod != null && svc != null && pod.overlaps(svc)) {
      p.add(new Problem("network.podCidr", n.podCidr(), "overlaps the service CIDR " + svc,
          "make the pod and service ranges disjoint, e.g. podCidr(\"10.0.0.0/16\") and serviceCidr(\"10.96.0.0/12\")"));
    }
    int mask = n.nodeCidrMaskSize();
    if (pod != null) {
      long nodes = spec.nodes().size();
      if (mask < pod.prefix() || mask > 28) {
        p.add(new Problem("network.nodeCidrMaskSize", String.valueOf(mask), "must lie between the pod CIDR's prefix /"
            + pod.prefix() + " and /28", "use 24 (256 pod addresses per node)"));
      } else if ((1L << (mask - pod.prefix())) < nodes) {
        p.add(new Problem("network.podCidr", n.podCidr(), "holds " + (1L << (mask - pod.prefix())) + " node ranges of /" + mask
            + " but the cluster has " + nodes + " nodes", "use a larger pod CIDR, e.g. a /" + Math.max(8, mask - bitsFor(nodes))));
      }
    }
    if (svc != null && svc.prefix() > SMALLEST_SERVICE_PREFIX) {
      p.add(new Problem("network.serviceCidr", n.serviceCidr(), "is too small: /" + svc.prefix() + " has " + (svc.size() - 2)
          + " addresses", "use at least a /" + SMALLEST_SERVICE_PREFIX + ", e.g. 10.96.0.0/12"));
    }
    if (svc != null && svc.prefix() < LARGEST_SERVICE_PREFIX) {
      p.add(new Problem("network.serviceCidr", n.serviceCidr(), "is larger than the API server accepts (/12)",
          "use a /12 or smaller, e.g. 10.96.0.0/12"));
    }
  }

  private static int bitsFor(long n) {
    return 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1));
  }

  private static String free(List<Cidr> hostNets, Cidr other, String... candidates) {
    for (String c : candidates) {
      Cidr x = Cidr.parse(c);
      if (hostNets.stream().noneMatch(x::overlaps) && (other == null || !other.overlaps(x))) {
        return c;
      }
    }
    return candidates[candidates.length - 1];
  }

  private static Cidr cidr(String field, String value, String example, List<Problem> p) {
    try {
      return Cidr.parse(value);
    } catch (IllegalArgumentException e) {
      p.add(new Problem(field, value, e.getMessage().replaceFirst("^'[^']*' ", ""), "write it like " + example));
      return null;
    }
  }

  private static List<Cidr> parsed(List<String> cidrs) {
    return cidrs.stream().map(NetworkPlanner::tryParse).flatMap(Optional::stream).toList();
  }

  private static void ssh(ClusterSpec spec, List<Problem> p) {
    SshSettings s = spec.ssh();
    if (s.user().isBlank()) {
      p.add(new Problem("ssh.user", s.user(), "is empty", "set Ssh.user(\"ops\")"));
    }
    if (s.port() < 1 || s.port() > 65535) {
      p.add(new Problem("ssh.port", String.valueOf(s.port()), "is not a TCP port", "use 1-65535, usually 22"));
    }
    if (s.connectTimeoutSeconds() < 1 || s.commandTimeoutSeconds() < 1) {
      p.add(new Problem("ssh.timeouts", s.connectTimeoutSeconds() + "s/" + s.commandTimeoutSeconds() + "s",
          "must be positive", "use e.g. 15 s to connect and 900 s per command"));
    }
    s.bastion().ifPresent(b -> {
      if (spec.bastionHost().isEmpty()) {
        p.add(new Problem("ssh.bastion", b, "no host with role bastion has this name or address",
            "add the bastion to the inventory, e.g. '192.168.4.10 bastion bastion public=203.0.113.10'"));
      }
    });
  }
}
