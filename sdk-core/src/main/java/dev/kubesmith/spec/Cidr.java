package dev.kubesmith.spec;

import java.util.Optional;

/**
 * An IPv4 network in CIDR notation, e.g. {@code 10.0.0.0/16}. The address must be the network's
 * first address: {@code 10.0.1.0/16} is refused rather than silently widened.
 */
public final class Cidr {
  private final Ipv4 network;
  private final int prefix;

  private Cidr(Ipv4 network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /** Parses {@code a.b.c.d/n}; throws IllegalArgumentException with what is wrong and an example. */
  public static Cidr parse(String text) {
    String t = text == null ? "" : text.trim();
    int slash = t.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("'" + text + "' is not a CIDR; write address/prefix, e.g. 10.0.0.0/16");
    }
    Optional<Ipv4> addr = Ipv4.tryParse(t.substring(0, slash));
    String p = t.substring(slash + 1);
    if (addr.isEmpty() || p.isEmpty() || p.length() > 2 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
        || Integer.parseInt(p) > 32) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a CIDR; write an IPv4 address and a prefix 0-32, e.g. 10.0.0.0/16");
    }
    int prefix = Integer.parseInt(p);
    Cidr c = new Cidr(Ipv4.ofValue(addr.get().value() & mask(prefix)), prefix);
    if (!c.network.equals(addr.get())) {
      throw new IllegalArgumentException(
          "'" + text + "' has host bits set; the network is " + c + " (or use a longer prefix)");
    }
    return c;
  }

  /**
   * The private ranges a pod or service CIDR may come from: RFC 1918's three, and the shared address
   * space 100.64.0.0/10 (RFC 6598, carrier-grade NAT), which is not routed on the internet either and
   * which kubesmith's planner falls back to when the RFC 1918 ranges are taken.
   */
  public static final java.util.List<String> PRIVATE_RANGES =
      java.util.List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10");

  /** True when the whole network lies inside one of {@link #PRIVATE_RANGES}. */
  public boolean isPrivate() {
    return PRIVATE_RANGES.stream().map(Cidr::parse).anyMatch(r -> r.prefix <= prefix && r.contains(network));
  }

  /** The network of the given prefix that contains the address, e.g. containing(192.168.4.11, 24) = 192.168.4.0/24. */
  public static Cidr containing(Ipv4 address, int prefix) {
    return new Cidr(Ipv4.ofValue(address.value() & mask(prefix)), prefix);
  }

  private static long mask(int prefix) {
    return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
  }

  public Ipv4 network() {
    return network;
  }

  public int prefix() {
    return prefix;
  }

  /** Number of addresses in the network. */
  public long size() {
    return 1L << (32 - prefix);
  }

  public Ipv4 last() {
    return network.plus(size() - 1);
  }

  public boolean contains(Ipv4 address) {
    return (address.value() & mask(prefix)) == network.value();
  }

  public boolean overlaps(Cidr other) {
    return contains(other.network) || other.contains(network);
  }

  /** The n-th address of the network (n = 1 is the first usable one). */
  public Ipv4 address(long n) {
    if (n < 0 || n >= size()) {
      throw new IllegalArgumentException("address " + n + " is outside " + this);
    }
    return network.plus(n);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefix == prefix && c.network.equals(network);
  }

  @Override
  public int hashCode() {
    return network.hashCode() * 33 + prefix;
  }

  @Override
  public String toString() {
    return network + "/" + prefix;
  }
}
