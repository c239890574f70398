package dev.kubesmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Role;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Building checks hosts and addresses without touching the machine. */
class SandboxBuilderTest {
  @Test
  void mapsInventoryAddressesIntoTheBenchmarkRangeKeepingTheLastOctet() {
    Inventory seed = Inventory.of(
        Host.builder().name("bastion").privateIp("192.168.4.10").publicIp("203.0.113.10").addRoles(Role.BASTION).build(),
        Host.builder().name("lb1").privateIp("192.168.4.21").publicIp("203.0.113.21").addRoles(Role.LB).build(),
        Host.of("master1", "192.168.4.31", Role.MASTER));

    Sandbox sandbox = Sandbox.fromInventory(seed);

    assertThat(sandbox.host("master1").privateIp()).isEqualTo("198.18.4.31");
    assertThat(sandbox.host("lb1").publicIp()).contains("198.18.100.21");
    assertThat(sandbox.host("lb1").roles()).containsExactly(Role.LB);
  }

  @Test
  void keepsAddressesAlreadyInTheSandboxNetworks() {
    Sandbox sandbox = Sandbox.builder().privateNetwork("198.18.8.0/22")
        .host("bastion", "198.18.9.10", Role.BASTION).host("lb1", "198.18.9.21", "198.18.100.21", Role.LB).build();

    assertThat(sandbox.host("bastion").privateIp()).isEqualTo("198.18.9.10");
    assertThat(sandbox.host("lb1").publicIp()).contains("198.18.100.21");
  }

  @Test
  void rejectsTwoHostsLandingOnOneAddress() {
    Inventory clash = Inventory.of(Host.of("bastion", "10.0.1.5", Role.BASTION), Host.of("master1", "10.0.2.5", Role.MASTER));

    assertThatThrownBy(() -> Sandbox.fromInventory(clash))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bastion and master1 would both get 198.18.4.5");
  }

  @Test
  void rejectsNetworksOutsideTheBenchmarkRange() {
    assertThatThrownBy(() -> Sandbox.builder().privateNetwork("192.168.4.0/24"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside 198.18.0.0/15");
    assertThatThrownBy(() -> Sandbox.builder().publicNetwork("198.18.255.0/24"))
        .hasMessageContaining("overlaps the bastion links 198.18.255.0/24");
  }

  @Test
  void rejectsAnAddressOutsideTheSandboxNetwork() {
    assertThatThrownBy(() -> Sandbox.builder().host("bastion", "198.18.5.10", Role.BASTION).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("198.18.5.10 is outside the sandbox private network 198.18.4.0/24");
  }

  @Test
  void needsExactlyOneBastion() {
    assertThatThrownBy(() -> Sandbox.builder().host("master1", "198.18.4.31", Role.MASTER).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exactly one host with Role.BASTION");
  }

  @Test
  void rejectsHostNamesThatCannotNameANamespace() {
    assertThatThrownBy(() -> Sandbox.builder().host("Master_1", "198.18.4.31", Role.BASTION).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host name 'Master_1'");
  }

  @Test
  void rejectsADirectoryUnderAnOverlaidTree() {
    assertThatThrownBy(() -> Sandbox.builder().directory(Path.of("/var/tmp")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside /etc, /var");
  }

  @Test
  void bastionAddressIsChosenAtStart() {
    Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION).build();

    assertThatThrownBy(sandbox::bastionAddress)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("start the sandbox first");
    assertThat(sandbox.knownHosts().getParent()).isEqualTo(sandbox.directory());
  }

  @Test
  void unknownHostNamesTheHostsThereAre() {
    Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION).build();

    assertThatThrownBy(() -> sandbox.host("master9"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the sandbox has no host 'master9'; it has [bastion]");
  }

  @Test
  void apiServerNeedsAResolvedAddressWithItsPort() {
    Sandbox.Builder b = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION);

    assertThatThrownBy(() -> b.apiServer(InetSocketAddress.createUnresolved("mock.example", 443)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be resolved");
    assertThatThrownBy(() -> b.apiServer(new InetSocketAddress("127.0.0.1", 0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs its port");
    assertThat(b.apiServer(new InetSocketAddress("127.0.0.1", 6443)).build().apiServer())
        .contains(new InetSocketAddress("127.0.0.1", 6443));
  }
}
