package dev.kubesmith.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The network rules of {@link SpecValidator}: host networks, pod and service CIDRs, VIP placement and
 * the per-node mask, each problem named once however many hosts share it.
 *
 * <pre>{@code
 * List<Problem> p = new ArrayList<>();
 * NetworkRules.check(spec, p);
 * }</pre>
 */
final class NetworkRules {
  /** kubeadm's PodSubnetNodeMaskMaxDiff: the node mask may be at most 16 bits longer than the pod subnet's. */
  static final int MAX_NODE_MASK_DIFF = 16;
  /** How many networks or addresses one problem names before "and N more". */
  private static final int NAMED = 3;

  private NetworkRules() {}

  /** An address the spec knows (a host's private or public IP, a VIP), with who has it. */
  record Known(String what, Ipv4 ip) {}

  static void check(ClusterSpec spec, List<Problem> p) {
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
    hostsInNetworks(spec, hostNets, p);
    List<Known> known = known(spec);
    List<Cidr> taken = new ArrayList<>(hostNets);
    known.forEach(k -> taken.add(Cidr.containing(k.ip(), 32)));
    if (pod != null) {
      range("network.podCidr", "pod CIDR", n.podCidr(), pod, hostNets, known, withOther(taken, svc), "podCidr(...)", p,
          n.notes(), "10.0.0.0/16", "10.244.0.0/16", "172.16.0.0/16", "100.64.0.0/16");
    }
    if (svc != null) {
      range("network.serviceCidr", "service CIDR", n.serviceCidr(), svc, hostNets, known, withOther(taken, pod),
          "serviceCidr(...)", p, n.notes(), "10.96.0.0/12", "10.112.0.0/12", "172.16.0.0/12", "100.64.0.0/12");
    }
    if (pod != null && svc != null && pod.overlaps(svc)) {
      p.add(new Problem("network.podCidr", n.podCidr(), "overlaps the service CIDR " + svc,
          "make the pod and service ranges disjoint, e.g. podCidr(\"10.0.0.0/16\") and serviceCidr(\"10.96.0.0/12\")"));
    }
    if (pod != null) {
      nodeMask(spec, pod, p);
    }
    if (svc != null) {
      serviceSize(n.serviceCidr(), svc, p);
    }
  }

  private static List<Cidr> withOther(List<Cidr> taken, Cidr other) {
    List<Cidr> out = new ArrayList<>(taken);
    if (other != null) {
      out.add(other);
    }
    return out;
  }

  private static void hostsInNetworks(ClusterSpec spec, List<Cidr> hostNets, List<Problem> p) {
    List<Host> outside = new ArrayList<>();
    for (Host h : spec.hosts()) {
      Optional<Ipv4> ip = Ipv4.tryParse(h.privateIp());
      if (ip.isEmpty() || ip.get().specialUse().isPresent()) {
        continue; // reported as malformed or special-use already
      }
      if (hostNets.stream().noneMatch(c -> c.contains(ip.get()))) {
        outside.add(h);
      }
      edgeOfNetwork(ip.get(), hostNets).ifPresent(why -> p.add(new Problem("hosts[" + h.name() + "].privateIp",
          h.privateIp(), why, "give the host a usable address of its network (not the first or last)")));
    }
    if (!outside.isEmpty()) {
      Host h = outside.get(0);
      String more = outside.size() > 1 ? " (and " + (outside.size() - 1) + " more hosts)" : "";
      p.add(new Problem("hosts[" + h.name() + "].privateIp", h.privateIp(),
          "is in none of the host networks " + spec.network().hostNetworks() + more,
          "add its network with hostNetwork(...)"));
    }
  }

  /** Why an address is the network or broadcast address of one of the networks, if it is. */
  static Optional<String> edgeOfNetwork(Ipv4 ip, List<Cidr> nets) {
    for (Cidr c : nets) {
      if (c.prefix() <= 30 && ip.equals(c.network())) {
        return Optional.of("is the network address of " + c);
      }
      if (c.prefix() <= 30 && ip.equals(c.last())) {
        return Optional.of("is the broadcast address of " + c);
      }
    }
    return Optional.empty();
  }

  static List<Known> known(ClusterSpec spec) {
    List<Known> out = new ArrayList<>();
    for (Host h : spec.hosts()) {
      Ipv4.tryParse(h.privateIp()).ifPresent(ip -> out.add(new Known("the private IP of " + h.name(), ip)));
      h.publicIp().flatMap(Ipv4::tryParse).ifPresent(ip -> out.add(new Known("the public IP of " + h.name(), ip)));
    }
    spec.privateVip().flatMap(Ipv4::tryParse).ifPresent(ip -> out.add(new Known("the private VIP", ip)));
    spec.publicVip().flatMap(Ipv4::tryParse).ifPresent(ip -> out.add(new Known("the public VIP", ip)));
    return out;
  }

  /** A pod or service range: private, clear of the host networks and of every address the spec knows. */
  private static void range(String field, String what, String value, Cidr c, List<Cidr> hostNets, List<Known> known,
      List<Cidr> taken, String setter, List<Problem> p, List<String> notes, String... candidates) {
    String fix = "choose e.g. " + free(taken, candidates) + " with " + setter;
    // a value the user never set: say it is kubesmith's default and that no free one was found
    String defaulted = notes.stream().anyMatch(x -> x.startsWith(what + ": no free default"))
        ? "(kubesmith's default: no free default range was found for this network) " : "";
    if (!c.isPrivate()) {
      p.add(new Problem(field, value, "is not a private range: every host's firewall admits traffic from the "
          + what + ", so it must be a range no outside address is in (" + String.join(", ", Cidr.PRIVATE_RANGES) + ")",
          fix));
    }
    List<Cidr> clashes = hostNets.stream().filter(c::overlaps).toList();
    if (!clashes.isEmpty()) {
      p.add(new Problem(field, value, defaulted + "overlaps the host network" + (clashes.size() > 1 ? "s " : " ")
          + named(clashes.stream().map(Cidr::toString).toList()), fix));
    }
    List<String> inside = known.stream().filter(k -> c.contains(k.ip()))
        .filter(k -> clashes.stream().noneMatch(h -> h.contains(k.ip())))
        .map(k -> k.what() + " (" + k.ip() + ")").toList();
    if (!inside.isEmpty()) {
      p.add(new Problem(field, value, defaulted + "contains " + named(inside), fix));
    }
  }

  /** "a, b, c and 4,998 more". */
  static String named(List<String> items) {
    if (items.size() <= NAMED) {
      return String.join(", ", items);
    }
    return String.join(", ", items.subList(0, NAMED)) + String.format(" and %,d more", items.size() - NAMED);
  }

  private static void nodeMask(ClusterSpec spec, Cidr pod, List<Problem> p) {
    NetworkPlan n = spec.network();
    int mask = n.nodeCidrMaskSize();
    long nodes = spec.nodes().size();
    // kubeadm's ValidatePodSubnetNodeMask: the pod subnet holds at least one node mask, at most 2^16 of them.
    if (mask < pod.prefix() || mask > 28) {
      p.add(new Problem("network.nodeCidrMaskSize", String.valueOf(mask), "must lie between the pod CIDR's prefix /"
          + pod.prefix() + " and /28 (kubeadm refuses a pod subnet smaller than the node subnet)",
          "use 24 (256 pod addresses per node) with a pod CIDR of /24 or larger, e.g. 10.0.0.0/16"));
    } else if (mask - pod.prefix() > MAX_NODE_MASK_DIFF) {
      p.add(new Problem("network.nodeCidrMaskSize", String.valueOf(mask), "is more than " + MAX_NODE_MASK_DIFF
          + " bits longer than the pod CIDR's /" + pod.prefix() + ", which kubeadm refuses",
          "use a node mask of /" + (pod.prefix() + MAX_NODE_MASK_DIFF) + " or shorter, or a smaller pod CIDR"));
    } else if ((1L << (mask - pod.prefix())) < nodes) {
      String defaulted = n.notes().stream().anyMatch(x -> x.startsWith("pod CIDR: no free default"))
          ? " (no free default range was found for this many nodes)" : "";
      p.add(new Problem("network.podCidr", n.podCidr(), String.format("holds %,d node ranges of /%d but the cluster has"
          + " %,d nodes%s", 1L << (mask - pod.prefix()), mask, nodes, defaulted),
          "use a larger pod CIDR, e.g. a /" + Math.max(8, mask - bitsFor(nodes)) + ", or a longer nodeCidrMaskSize"));
    }
  }

  private static void serviceSize(String value, Cidr svc, List<Problem> p) {
    if (svc.prefix() > SpecValidator.SMALLEST_SERVICE_PREFIX) {
      p.add(new Problem("network.serviceCidr", value, "is too small: /" + svc.prefix() + " has " + (svc.size() - 2)
          + " addresses", "use at least a /" + SpecValidator.SMALLEST_SERVICE_PREFIX + ", e.g. 10.96.0.0/12"));
    }
    if (svc.prefix() < SpecValidator.LARGEST_SERVICE_PREFIX) {
      p.add(new Problem("network.serviceCidr", value, "is larger than the API server accepts (/12)",
          "use a /12 or smaller, e.g. 10.96.0.0/12"));
    }
  }

  private static int bitsFor(long n) {
    return 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1));
  }

  private static String free(List<Cidr> taken, String... candidates) {
    for (String c : candidates) {
      Cidr x = Cidr.parse(c);
      if (taken.stream().noneMatch(x::overlaps)) {
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
}
