package dev.kubesmith.network.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.spec.Cidr;
import dev.kubesmith.spec.Ipv4;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AddressBlocksTest {
  @Test
  void collapsesConsecutiveAddressesIntoAlignedBlocks() {
    assertThat(AddressBlocks.cover(List.of("10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.8")))
        .extracting(Cidr::toString).containsExactly("10.0.0.4/30", "10.0.0.8/32");
  }

  @Test
  void coversExactlyTheAddressesGivenAndNotOneMore() {
    Random random = new Random(42);
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      addresses.add("198.18." + random.nextInt(4) + "." + random.nextInt(256));
    }
    List<Cidr> blocks = AddressBlocks.cover(addresses);

    for (int third = 0; third < 4; third++) {
      for (int last = 0; last < 256; last++) {
        String a = "198.18." + third + "." + last;
        Ipv4 ip = Ipv4.parse(a);
        assertThat(blocks.stream().anyMatch(b -> b.contains(ip))).as(a).isEqualTo(addresses.contains(a));
      }
    }
  }

  @Test
  void ignoresDuplicatesAndMalformedAddresses() {
    assertThat(AddressBlocks.cover(List.of("10.0.0.1", "10.0.0.1", "not-an-ip")))
        .extracting(Cidr::toString).containsExactly("10.0.0.1/32");
  }
}
