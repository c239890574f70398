package dev.kubesmith.spec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Plans the cluster's ranges before anything is built. Ranges the caller gives are kept as given
 * (the validator reports any overlap); a default that would overlap the host network or the other
 * range is moved to a free range, and a note in the plan says so.
 */
public final class NetworkPlanner {
  private NetworkPlanner() {}

  /**
   * @param hosts the hosts taking part (their private IPs give the host networks when none are given)
   * @param hostNetworks given host networks, or empty to use each private IP's /24
   * @param podCidr the caller's pod CIDR, or empty for the default
   * @param serviceCidr the caller's service CIDR, or empty for the default
   * @param nodeMask the per-node mask size
   */
  public static NetworkPlan plan(List<Host> hosts, List<String> hostNetworks, Optional<String> podCidr,
      Optional<String> serviceCidr, int nodeMask) {
    List<String> nets = hostNetworks.isEmpty() ? derivedHostNetworks(hosts) : hostNetworks;
    List<Cidr> taken = new ArrayList<>(parseAll(nets));
    // A default range must not swallow a public IP either: pod and service ranges are admitted by the firewall.
    hosts.forEach(h -> h.publicIp().flatMap(Ipv4::tryParse).ifPresent(ip -> taken.add(Cidr.containing(ip, 32))));
    List<String> notes = new ArrayList<>();
    long nodes = Math.max(1, hosts.stream().filter(h -> h.has(Role.MASTER) || h.has(Role.WORKER)).count());

    // A range the caller gave is fixed; plan the defaulted ones around it.
    podCidr.flatMap(NetworkPlanner::tryParse).ifPresent(taken::add);
    // Keep the default pod range free for the pod CIDR when the service range has to move.
    List<Cidr> forService = new ArrayList<>(taken);
    if (podCidr.isEmpty()) {
      Cidr pod = Cidr.parse(defaultPod(nodes, nodeMask));
      if (taken.stream().noneMatch(pod::overlaps)) {
        forService.add(pod);
      }
    }
    String service = serviceCidr.orElseGet(() -> pick("service CIDR", NetworkPlan.DEFAULT_SERVICE_CIDR,
        serviceCandidates(), forService, notes, "serviceCidr(...)"));
    tryParse(service).ifPresent(taken::add);
    String pod = podCidr.orElseGet(() -> pick("pod CIDR", defaultPod(nodes, nodeMask), podCandidates(nodes, nodeMask),
        taken, notes, "podCidr(...)"));
    return NetworkPlan.builder().podCidr(pod).serviceCidr(service).hostNetworks(nets)
        .nodeCidrMaskSize(nodeMask).notes(notes).build();
  }

  /** Each valid private IP's /24, in first-seen order. */
  public static List<String> derivedHostNetworks(List<Host> hosts) {
    Set<String> nets = new LinkedHashSet<>();
    for (Host h : hosts) {
      Ipv4.tryParse(h.privateIp()).ifPresent(ip -> nets.add(Cidr.containing(ip, 24).toString()));
    }
    return List.copyOf(nets);
  }

  private static String pick(String what, String preferred, List<String> candidates, List<Cidr> taken,
      List<String> notes, String setter) {
    for (String c : candidates) {
      Cidr cidr = Cidr.parse(c);
      List<Cidr> clashes = taken.stream().filter(cidr::overlaps).toList();
      if (clashes.isEmpty()) {
        if (!c.equals(preferred)) {
          Cidr p = Cidr.parse(preferred);
          String with = taken.stream().filter(p::overlaps).map(Cidr::toString).collect(Collectors.joining(", "));
          notes.add(what + ": the default " + preferred + " overlaps " + with + ", so " + c
              + " is used instead; set " + setter + " to choose another range");
        }
        return c;
      }
    }
    notes.add(what + ": no free default range was found; set " + setter);
    return preferred;
  }

  private static String defaultPod(long nodes, int nodeMask) {
    int prefix = podPrefix(nodes, nodeMask);
    return prefix == 16 ? NetworkPlan.DEFAULT_POD_CIDR : "10.0.0.0/" + prefix;
  }

  /** A /16, or larger when more nodes need a slice of nodeMask each. */
  private static int podPrefix(long nodes, int nodeMask) {
    int bits = 64 - Long.numberOfLeadingZeros(Math.max(1, nodes - 1));
    return Math.max(8, Math.min(16, nodeMask - bits));
  }

  private static List<String> podCandidates(long nodes, int nodeMask) {
    int prefix = podPrefix(nodes, nodeMask);
    long step = 1L << (32 - prefix);
    List<String> out = new ArrayList<>();
    addRange(out, "10.0.0.0/8", prefix, step);
    addRange(out, "172.16.0.0/12", prefix, step);
    addRange(out, "100.64.0.0/10", prefix, step);
    return out;
  }

  private static List<String> serviceCandidates() {
    List<String> out = new ArrayList<>();
    out.add(NetworkPlan.DEFAULT_SERVICE_CIDR);
    addRange(out, "10.0.0.0/8", 12, 1L << 20);
    out.add("172.16.0.0/12");
    return out;
  }

  private static void addRange(List<String> out, String within, int prefix, long step) {
    Cidr w = Cidr.parse(within);
    if (prefix < w.prefix()) {
      return;
    }
    for (long a = w.network().value(); a <= w.last().value(); a += step) {
      String c = Ipv4.ofValue(a) + "/" + prefix;
      if (!out.contains(c)) {
        out.add(c);
      }
    }
  }

  private static List<Cidr> parseAll(List<String> cidrs) {
    return cidrs.stream().map(NetworkPlanner::tryParse).flatMap(Optional::stream).toList();
  }

  static Optional<Cidr> tryParse(String cidr) {
    try {
      return Optional.of(Cidr.parse(cidr));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
