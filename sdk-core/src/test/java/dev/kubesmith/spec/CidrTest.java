package dev.kubesmith.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  @Test
  void parsesDottedQuadAddresses() {
    Ipv4 ip = Ipv4.parse("192.168.4.31");

    assertThat(ip.value()).isEqualTo((192L << 24) | (168L << 16) | (4L << 8) | 31L);
    assertThat(ip).hasToString("192.168.4.31");
    assertThat(Ipv4.parse("0.0.0.0").value()).isZero();
    assertThat(Ipv4.parse("255.255.255.255").value()).isEqualTo(0xFFFFFFFFL);
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.168.04.31", "010.0.0.1", "00.0.0.0"})
  void rejectsAddressesWithLeadingZeros(String text) {
    assertThat(Ipv4.tryParse(text)).isEmpty();
    assertThatThrownBy(() -> Ipv4.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "' is not an IPv4 address")
        .hasMessageContaining("e.g. 192.168.4.11");
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.168.4.256", "300.1.1.1", "1.2.3.999"})
  void rejectsOctetsAbove255(String text) {
    assertThat(Ipv4.tryParse(text)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "1.2.3.", "a.b.c.d", "1.2.3.-4", "1.2.3.+4", "1..2.3", "1.2.3.4/24"})
  void rejectsMalformedAddresses(String text) {
    assertThat(Ipv4.tryParse(text)).isEmpty();
  }

  @Test
  void rejectsDigitsOtherThanAscii() {
    // "four decimal octets": Character.isDigit and Integer.parseInt also accept e.g. Arabic-Indic digits,
    // and the spec keeps the text as written, so it would reach /etc/hosts and kubeadm's config as is.
    assertThat(Ipv4.tryParse("\u0661\u0669\u0662.168.4.1")).isEmpty();
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/\u0661\u0666")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ordersAndCountsAddresses() {
    Ipv4 a = Ipv4.parse("192.168.4.255");

    assertThat(a.plus(1)).isEqualTo(Ipv4.parse("192.168.5.0"));
    assertThat(a.plus(-255)).isEqualTo(Ipv4.parse("192.168.4.0"));
    assertThat(Ipv4.parse("10.0.0.2")).isGreaterThan(Ipv4.parse("10.0.0.1"));
    assertThat(Ipv4.parse("255.255.255.255").plus(1)).isEqualTo(Ipv4.parse("0.0.0.0"));
  }

  @Test
  void parsesANetworkInCidrNotation() {
    Cidr c = Cidr.parse("10.96.0.0/12");

    assertThat(c.network()).isEqualTo(Ipv4.parse("10.96.0.0"));
    assertThat(c.prefix()).isEqualTo(12);
    assertThat(c.last()).isEqualTo(Ipv4.parse("10.111.255.255"));
    assertThat(c).hasToString("10.96.0.0/12").isEqualTo(Cidr.parse(" 10.96.0.0/12 "));
  }

  @Test
  void rejectsAnAddressWithLeadingZerosInACidr() {
    assertThatThrownBy(() -> Cidr.parse("10.00.0.0/16"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'10.00.0.0/16' is not a CIDR");
  }

  @Test
  void rejectsAnOctetAbove255InACidr() {
    assertThatThrownBy(() -> Cidr.parse("10.256.0.0/16"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'10.256.0.0/16' is not a CIDR")
        .hasMessageContaining("prefix 0-32");
  }

  @Test
  void rejectsHostBitsAndNamesTheNetwork() {
    assertThatThrownBy(() -> Cidr.parse("192.168.4.31/24"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'192.168.4.31/24' has host bits set")
        .hasMessageContaining("the network is 192.168.4.0/24");
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/100", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0", "10.0.0.0/x"})
  void rejectsABadOrMissingPrefix(String text) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a CIDR")
        .hasMessageContaining("e.g. 10.0.0.0/16");
  }

  @Test
  void acceptsTheWholeAddressSpaceAndSingleAddresses() {
    assertThat(Cidr.parse("0.0.0.0/0").size()).isEqualTo(1L << 32);
    assertThat(Cidr.parse("0.0.0.0/0").contains(Ipv4.parse("203.0.113.7"))).isTrue();
    assertThat(Cidr.parse("192.168.4.31/32").size()).isEqualTo(1);
    assertThat(Cidr.parse("192.168.4.31/32").contains(Ipv4.parse("192.168.4.31"))).isTrue();
    assertThat(Cidr.parse("192.168.4.31/32").contains(Ipv4.parse("192.168.4.32"))).isFalse();
  }

  @Test
  void containsExactlyTheAddressesOfTheNetwork() {
    Cidr hosts = Cidr.parse("192.168.4.0/24");

    assertThat(hosts.contains(Ipv4.parse("192.168.4.0"))).isTrue();
    assertThat(hosts.contains(Ipv4.parse("192.168.4.255"))).isTrue();
    assertThat(hosts.contains(Ipv4.parse("192.168.3.255"))).isFalse();
    assertThat(hosts.contains(Ipv4.parse("192.168.5.0"))).isFalse();
  }

  @Test
  void overlapsWhenEitherNetworkContainsTheOther() {
    Cidr seedPods = Cidr.parse("192.168.0.0/16");
    Cidr seedHosts = Cidr.parse("192.168.4.0/24");

    assertThat(seedPods.overlaps(seedHosts)).isTrue();
    assertThat(seedHosts.overlaps(seedPods)).isTrue();
    assertThat(seedHosts.overlaps(seedHosts)).isTrue();
  }

  @Test
  void doesNotOverlapAdjacentNetworks() {
    assertThat(Cidr.parse("10.0.0.0/16").overlaps(Cidr.parse("10.1.0.0/16"))).isFalse();
    assertThat(Cidr.parse("10.0.0.0/16").overlaps(Cidr.parse("10.96.0.0/12"))).isFalse();
    assertThat(Cidr.parse("10.96.0.0/12").overlaps(Cidr.parse("10.112.0.0/12"))).isFalse();
  }

  @Test
  void sizesByPrefix() {
    assertThat(Cidr.parse("10.0.0.0/16").size()).isEqualTo(65_536);
    assertThat(Cidr.parse("10.96.0.0/12").size()).isEqualTo(1_048_576);
    assertThat(Cidr.parse("192.168.4.0/24").size()).isEqualTo(256);
    assertThat(Cidr.parse("10.0.0.0/8").size()).isEqualTo(16_777_216);
  }

  @Test
  void numbersTheAddressesOfTheNetwork() {
    Cidr c = Cidr.parse("192.168.4.0/24");

    assertThat(c.address(1)).isEqualTo(Ipv4.parse("192.168.4.1"));
    assertThat(c.address(254)).isEqualTo(Ipv4.parse("192.168.4.254"));
    assertThatThrownBy(() -> c.address(256)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside 192.168.4.0/24");
  }

  @Test
  void findsTheNetworkContainingAnAddress() {
    assertThat(Cidr.containing(Ipv4.parse("192.168.4.11"), 24)).isEqualTo(Cidr.parse("192.168.4.0/24"));
    assertThat(Cidr.containing(Ipv4.parse("10.97.3.4"), 12)).isEqualTo(Cidr.parse("10.96.0.0/12"));
  }
}
