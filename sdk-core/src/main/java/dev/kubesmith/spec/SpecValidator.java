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
  /**
   * The most masters accepted: every master runs an etcd member, and etcd recommends at most 7 members
   * (each write waits for a majority; more members make writes slower and elections likelier).
   */
  public static final int MAX_MASTERS = 7;
  /** A DNS label's and so a hostname's longest length (RFC 1123). */
  public static final int MAX_NAME_LENGTH = 63;
  /**
   * A POSIX portable user name (letters, digits, '.', '_', '-', not starting with '-'; here also not
   * with a digit or '.'), at most 32 characters as useradd allows: nothing a shell would interpret.
   */
  private static final Pattern USER = Pattern.compile("[A-Za-z_][A-Za-z0-9._-]{0,31}");

  private SpecValidator() {}

  public static void validate(ClusterSpec spec) {
    List<Problem> problems = problems(spec);
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
  }

  public static List<Problem> problems(ClusterSpec spec) {
    List<Problem> p = new ArrayList<>();
    label("name", spec.name(), "is not a DNS label", "clustera", p);
    version(spec.kubernetesVersion(), p);
    hosts(spec, p);
    topology(spec, p);
    vips(spec, p);
    NetworkRules.check(spec, p);
    ssh(spec, p);
    spec.registryMirror().filter(r -> !REGISTRY.matcher(r).matches()).ifPresent(r -> p.add(new Problem("registryMirror",
        r, "is not a registry host", "write a host name or address with an optional port, e.g. registry.example.com:5000")));
    return p;
  }

  /** host or host:port, as containerd's hosts.toml takes a registry (no scheme, no path). */
  private static final java.util.regex.Pattern REGISTRY = java.util.regex.Pattern.compile(
      "([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:[0-9]{1,5})?");

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
      label(f + ".name", h.name(), "is not a valid hostname", "master1", p);
      if (names.put(h.name(), h.name()) != null) {
        p.add(new Problem(f + ".name", h.name(), "is used by two hosts", "give every host its own name"));
      }
      if (Ipv4.tryParse(h.privateIp()).isEmpty()) {
        p.add(new Problem(f + ".privateIp", h.privateIp(), "is not an IPv4 address", "write e.g. 192.168.4.31"));
      } else if (special(f + ".privateIp", h.privateIp(), p)) {
        String other = ips.put(h.privateIp(), h.name());
        if (other != null) {
          p.add(new Problem(f + ".privateIp", h.privateIp(), "is also the private IP of " + other,
              "give every host its own private IP"));
        }
      }
      h.publicIp().ifPresent(ip -> {
        if (Ipv4.tryParse(ip).isEmpty()) {
          p.add(new Problem(f + ".publicIp", ip, "is not an IPv4 address", "write e.g. public=203.0.113.31"));
        } else {
          special(f + ".publicIp", ip, p);
        }
      });
      h.sshUser().ifPresent(u -> user(f + ".sshUser", u, "user=ops", p));
      h.memoryMib().stream().filter(m -> m < 1).forEach(m -> p.add(new Problem(f + ".memoryMib", String.valueOf(m),
          "must be positive", "give the host's memory in MiB, e.g. 8192")));
      h.sshPort().stream().filter(port -> port < 1 || port > 65535).forEach(port ->
          p.add(new Problem(f + ".sshPort", String.valueOf(port), "is not a TCP port", "use 1-65535")));
      roles(f, h, p);
    }
    bastions(spec, p);
  }

  /** A DNS label check that says "is 64 characters, longer than the 63 allowed" rather than only "not a label". */
  private static void label(String field, String value, String reason, String example, List<Problem> p) {
    if (value.length() > MAX_NAME_LENGTH) {
      p.add(new Problem(field, value, "is " + value.length() + " characters, longer than the " + MAX_NAME_LENGTH
          + " allowed (a hostname is a DNS label, RFC 1123)",
          "shorten it to at most " + MAX_NAME_LENGTH + " characters, e.g. " + example));
    } else if (!DNS_LABEL.matcher(value).matches()) {
      p.add(new Problem(field, value, reason, "use lower-case letters, digits and '-', e.g. " + example));
    }
  }

  /** False (with the problem added) when no host may have the address. */
  private static boolean special(String field, String ip, List<Problem> p) {
    Optional<String> why = Ipv4.parse(ip).specialUse();
    why.ifPresent(w -> p.add(new Problem(field, ip, w + ", which no host can have", "give the host's real address")));
    return why.isEmpty();
  }

  private static void user(String field, String user, String example, List<Problem> p) {
    if (user.isEmpty()) {
      p.add(new Problem(field, user, "is empty", "set a user name, e.g. " + example));
    } else if (!USER.matcher(user).matches()) {
      p.add(new Problem(field, user, "is not a POSIX user name (letters, digits, '.', '_', '-', at most 32, not starting"
          + " with '-', '.' or a digit); it would reach a shell", "use the plain login name, e.g. " + example));
    }
  }

  private static void bastions(ClusterSpec spec, List<Problem> p) {
    List<Host> bastions = spec.withRole(Role.BASTION);
    // With two and none chosen, the firewall could not know which one to admit SSH from.
    boolean chosen = spec.bastionHost().filter(b -> b.has(Role.BASTION)).isPresent();
    if (bastions.size() > 1 && !chosen) {
      p.add(new Problem("hosts.bastion", String.join(", ", bastions.stream().map(Host::name).toList()),
          "more than one host has role bastion and none is chosen; SSH is admitted from one bastion only",
          "name the bastion SSH goes through (Ssh.bastion(\"" + bastions.get(0).name() + "\"), --bastion "
          + bastions.get(0).name() + " in the CLI), or keep the role bastion on one host"));
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
      } else if (masters > MAX_MASTERS) {
        p.add(new Problem("masters", String.valueOf(masters), "is more than " + MAX_MASTERS + ": every master runs an etcd "
            + "member and etcd recommends at most " + MAX_MASTERS + " (each write waits for a majority)",
            "use masters(3), masters(5) or masters(7), and make the other hosts workers"));
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
      ip.specialUse().ifPresent(w -> p.add(new Problem("privateVip", vip, w, "choose a free address in the host network")));
      NetworkRules.edgeOfNetwork(ip, nets).ifPresent(w -> p.add(new Problem("privateVip", vip, w
          + ", which no host can use", "choose a free address inside it, e.g. " + suggestVip(spec, nets))));
      if (ip.specialUse().isEmpty() && nets.stream().noneMatch(n -> n.contains(ip))) {
        p.add(new Problem("privateVip", vip, "is outside the host network " + spec.network().hostNetworks(),
            "choose a free address inside it, e.g. " + suggestVip(spec, nets)));
      }
      usedBy(spec, vip).ifPresent(h -> p.add(new Problem("privateVip", vip, "is the IP of host " + h,
          "choose an address no host has, e.g. " + suggestVip(spec, nets))));
    }, () -> p.add(new Problem("privateVip", vip, "is not an IPv4 address", "write e.g. 192.168.4.130"))));
    spec.publicVip().ifPresent(vip -> {
      if (Ipv4.tryParse(vip).isEmpty()) {
        p.add(new Problem("publicVip", vip, "is not an IPv4 address", "write e.g. 203.0.113.130"));
      } else {
        Ipv4.parse(vip).specialUse().ifPresent(w -> p.add(new Problem("publicVip", vip, w,
            "choose a free public address routed to both load balancers")));
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

  private static List<Cidr> parsed(List<String> cidrs) {
    return cidrs.stream().map(NetworkPlanner::tryParse).flatMap(Optional::stream).toList();
  }

  private static void ssh(ClusterSpec spec, List<Problem> p) {
    SshSettings s = spec.ssh();
    user("ssh.user", s.user(), "Ssh.user(\"ops\")", p);
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
