package dev.kubesmith.network.firewall;

import dev.kubesmith.spec.Cidr;
import dev.kubesmith.spec.Ipv4;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The fewest CIDR blocks that hold exactly a set of addresses, never one more: the firewall admits
 * the inventory's hosts, not the network they are on. Consecutive addresses (as provisioners hand
 * them out) collapse into a few blocks, so a rules file stays short for large inventories.
 *
 * <pre>{@code
 * AddressBlocks.cover(List.of("198.18.4.20", "198.18.4.21", "198.18.4.22"));  // [198.18.4.20/31, 198.18.4.22/32]
 * }</pre>
 */
final class AddressBlocks {
  private AddressBlocks() {}

  /** The blocks in address order; malformed addresses are skipped (the spec validator reports them). */
  static List<Cidr> cover(List<String> addresses) {
    TreeSet<Long> values = new TreeSet<>();
    for (String a : addresses) {
      Ipv4.tryParse(a).ifPresent(ip -> values.add(ip.value()));
    }
    List<Cidr> blocks = new ArrayList<>();
    Long start = values.isEmpty() ? null : values.first();
    while (start != null) {
      long run = 1;
      while (values.contains(start + run)) {
        run++;
      }
      long at = start;
      long left = run;
      while (left > 0) {
        int prefix = largestAlignedPrefix(at, left);
        blocks.add(Cidr.containing(Ipv4.parse(dotted(at)), prefix));
        long size = 1L << (32 - prefix);
        at += size;
        left -= size;
      }
      start = values.higher(start + run - 1);
    }
    return blocks;
  }

  /** The shortest prefix whose block starts at {@code at} and holds no more than {@code left} addresses. */
  private static int largestAlignedPrefix(long at, long left) {
    int prefix = 32;
    while (prefix > 0) {
      long size = 1L << (32 - (prefix - 1));
      if (at % size != 0 || size > left) {
        break;
      }
      prefix--;
    }
    return prefix;
  }

  private static String dotted(long v) {
    return ((v >> 24) & 0xFF) + "." + ((v >> 16) & 0xFF) + "." + ((v >> 8) & 0xFF) + "." + (v & 0xFF);
  }
}
