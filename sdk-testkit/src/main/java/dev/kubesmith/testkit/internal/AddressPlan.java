package dev.kubesmith.testkit.internal;

import dev.kubesmith.spec.Cidr;
import dev.kubesmith.spec.Ipv4;
import dev.kubesmith.spec.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the sandbox's networks and hosts and puts every address into the benchmarking range
 * 198.18.0.0/15. An address already in that range is kept (it must lie in the sandbox network of its
 * side); any other address keeps its last octet in the sandbox network: private IPs go to the
 * private network (192.168.4.31 becomes 198.18.4.31 by default), public IPs to the public network
 * (203.0.113.21 becomes 198.18.100.21). Two hosts landing on one address are refused.
 */
public final class AddressPlan {
  /** Every sandbox address lies in the benchmarking range (RFC 2544), never a real network. */
  public static final Cidr BENCHMARK = Cidr.parse("198.18.0.0/15");
  /** The /30 links between the test JVM's namespace and each running sandbox's bastion. */
  public static final Cidr BASTION_LINKS = Cidr.parse("198.18.255.0/24");

  /** A host as the caller declared it, before mapping. */
  public record Declared(String name, String privateIp, Optional<String> publicIp, Set<Role> roles) {}

  private AddressPlan() {}

  /** The JVM's end of bastion link {@code slot}: 198.18.255.1 for slot 0, .5 for slot 1, ... */
  public static String rootAddress(int slot) {
    return BASTION_LINKS.address(4L * slot + 1).toString();
  }

  /** The bastion's end of link {@code slot}: 198.18.255.2 for slot 0 (one sandbox running), .6 for slot 1, ... */
  public static String bastionAddress(int slot) {
    return BASTION_LINKS.address(4L * slot + 2).toString();
  }

  /** Validates a network given to the builder; IllegalArgumentException says what to change. */
  public static Cidr network(String text, String what) {
    Cidr c = Cidr.parse(text);
    if (!BENCHMARK.contains(c.network()) || !BENCHMARK.contains(c.last())) {
      throw new IllegalArgumentException("the sandbox " + what + " network " + c + " is outside 198.18.0.0/15; "
          + "the sandbox uses only the benchmarking range, e.g. 198.18.4.0/24");
    }
    if (c.prefix() < 16 || c.prefix() > 29) {
      throw new IllegalArgumentException("the sandbox " + what + " network " + c + " needs a prefix from /16 to /29");
    }
    if (c.overlaps(BASTION_LINKS)) {
      throw new IllegalArgumentException("the sandbox " + what + " network " + c
          + " overlaps the bastion links 198.18.255.0/24; choose e.g. 198.18.4.0/24");
    }
    return c;
  }

  /** Maps and checks the hosts; the result is in declaration order with indexes from 1. */
  public static List<HostPlan> plan(List<Declared> hosts, Cidr privateNet, Cidr publicNet) {
    if (privateNet.overlaps(publicNet)) {
      throw new IllegalArgumentException("the sandbox private network " + privateNet + " overlaps the public network "
          + publicNet + "; choose e.g. 198.18.4.0/24 and 198.18.100.0/24");
    }
    long bastions = hosts.stream().filter(h -> h.roles().contains(Role.BASTION)).count();
    if (bastions != 1) {
      throw new IllegalArgumentException("the sandbox needs exactly one host with Role.BASTION (it has " + bastions
          + "): the test JVM reaches the other hosts only through it");
    }
    Map<String, String> owners = new HashMap<>();
    List<HostPlan> out = new ArrayList<>();
    for (Declared h : hosts) {
      if (!Names.validHostName(h.name())) {
        throw new IllegalArgumentException("host name '" + h.name()
            + "' is not usable in the sandbox; use lower-case letters, digits and dashes (at most 40), e.g. master1");
      }
      if (owners.put("name " + h.name(), h.name()) != null) {
        throw new IllegalArgumentException("host " + h.name() + " is declared twice");
      }
      String priv = map(h.name(), h.privateIp(), privateNet, "private");
      Optional<String> pub = h.publicIp().map(ip -> map(h.name(), ip, publicNet, "public"));
      claim(owners, priv, h.name(), h.privateIp());
      pub.ifPresent(p -> claim(owners, p, h.name(), h.publicIp().get()));
      out.add(new HostPlan(h.name(), priv, pub, h.roles(), out.size() + 1));
    }
    return out;
  }

  private static String map(String host, String address, Cidr net, String side) {
    Ipv4 ip = Ipv4.parse(address);
    Ipv4 mapped = BENCHMARK.contains(ip) ? ip : net.network().plus(ip.value() & 0xFF);
    if (!net.contains(mapped)) {
      throw new IllegalArgumentException("host " + host + ": the " + side + " address " + address
          + " is outside the sandbox " + side + " network " + net + "; use an address in it or set "
          + side + "Network(...)");
    }
    if (mapped.equals(net.network()) || mapped.equals(net.last())) {
      throw new IllegalArgumentException("host " + host + ": " + mapped + " (from " + address
          + ") is the network or broadcast address of " + net + "; give the host another address");
    }
    return mapped.toString();
  }

  private static void claim(Map<String, String> owners, String address, String host, String declared) {
    String other = owners.put(address, host);
    if (other != null) {
      throw new IllegalArgumentException("hosts " + other + " and " + host + " would both get " + address
          + (declared.equals(address) ? "" : " (" + host + " declared " + declared + "; only the last octet is kept)")
          + "; give them addresses that differ in the last octet");
    }
  }
}
