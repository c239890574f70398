package dev.kubesmith.spec;

import java.util.Optional;

/** An IPv4 address as an unsigned 32-bit value; parsing is strict (four decimal octets, no leading zeros). */
public final class Ipv4 implements Comparable<Ipv4> {
  private final long value;

  private Ipv4(long value) {
    this.value = value;
  }

  /** Parses dotted-quad text; throws IllegalArgumentException saying what is wrong. */
  public static Ipv4 parse(String text) {
    return tryParse(text)
        .orElseThrow(() -> new IllegalArgumentException(
            "'" + text + "' is not an IPv4 address; write four numbers 0-255 separated by dots, e.g. 192.168.4.11"));
  }

  /** Parses dotted-quad text, or empty when it is not an IPv4 address. */
  public static Optional<Ipv4> tryParse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String[] parts = text.trim().split("\\.", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    long v = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
          || (p.length() > 1 && p.charAt(0) == '0')) {
        return Optional.empty();
      }
      int octet = Integer.parseInt(p);
      if (octet > 255) {
        return Optional.empty();
      }
      v = (v << 8) | octet;
    }
    return Optional.of(new Ipv4(v));
  }

  static Ipv4 ofValue(long value) {
    return new Ipv4(value & 0xFFFFFFFFL);
  }

  /**
   * Why no host may have this address, or empty when it may: 0.0.0.0/8 ("this network"), loopback
   * 127.0.0.0/8, link-local 169.254.0.0/16, multicast 224.0.0.0/4 and the reserved 240.0.0.0/4 with the
   * broadcast address 255.255.255.255 (RFC 6890).
   */
  public Optional<String> specialUse() {
    long a = value >> 24;
    if (value == 0xFFFFFFFFL) {
      return Optional.of("is the limited broadcast address");
    }
    if (a == 0) {
      return Optional.of("is in 0.0.0.0/8 (\"this network\"), which no host can have");
    }
    if (a == 127) {
      return Optional.of("is a loopback address (127.0.0.0/8)");
    }
    if ((value >> 16) == 0xA9FE) {
      return Optional.of("is a link-local address (169.254.0.0/16)");
    }
    if (a >= 224 && a <= 239) {
      return Optional.of("is a multicast address (224.0.0.0/4)");
    }
    if (a >= 240) {
      return Optional.of("is in the reserved range 240.0.0.0/4");
    }
    return Optional.empty();
  }

  /** The address as an unsigned value. */
  public long value() {
    return value;
  }

  /** The address {@code n} further on (n may be negative). */
  public Ipv4 plus(long n) {
    return ofValue(value + n);
  }

  @Override
  public int compareTo(Ipv4 o) {
    return Long.compare(value, o.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ipv4 other && other.value == value;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(value);
  }

  @Override
  public String toString() {
    return ((value >> 24) & 255) + "." + ((value >> 16) & 255) + "." + ((value >> 8) & 255) + "." + (value & 255);
  }
}
