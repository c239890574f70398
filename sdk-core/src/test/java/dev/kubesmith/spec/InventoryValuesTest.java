package dev.kubesmith.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 11: inventory values that were read wrongly or silently. */
class InventoryValuesTest {

  private static Host host(Inventory inv, String name) {
    return inv.host(name).orElseThrow(() -> new AssertionError("no host " + name + " in " + inv));
  }

  private static Problem onlyProblem(String hostsFile) {
    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class,
        () -> Inventory.parse(hostsFile, Inventory.Format.HOSTS_FILE));
    assertThat(e).as("the inventory is refused").isNotNull();
    assertThat(e.problems()).hasSize(1);
    return e.problems().get(0);
  }

  @ParameterizedTest
  @CsvSource({"memory=-5G, is negative", "memory=8, has no unit", "memory=0M, is zero", "memory=9999999999G, is not a memory size",
      "memory=3000000G, is too large", "memory=lots, is not a memory size"})
  void refusesAMemorySizeThatIsNegativeOrHasNoUnit(String option, String reason) {
    Problem p = onlyProblem("192.168.4.41 worker1 worker " + option + "\n");

    assertThat(p.value()).isEqualTo(option);
    assertThat(p.reason()).isEqualTo(reason);
    assertThat(p.fix()).contains("memory=8G");
  }

  @Test
  void honoursAllVarsForUserAndPortWithHostVarsWinning() {
    Inventory inv = Inventory.parse("""
        [kube_control_plane]
        cp1 ansible_host=10.3.0.1
        cp2 ansible_host=10.3.0.2 ansible_user=admin ansible_port=2200

        [all:vars]
        ansible_user=ops
        ansible_port=2222
        """, Inventory.Format.ANSIBLE_INI);

    assertThat(host(inv, "cp1").sshUser()).isEqualTo(Optional.of("ops"));
    assertThat(host(inv, "cp1").sshPort()).isEqualTo(OptionalInt.of(2222));
    assertThat(host(inv, "cp2").sshUser()).isEqualTo(Optional.of("admin"));
    assertThat(host(inv, "cp2").sshPort()).isEqualTo(OptionalInt.of(2200));
  }

  @Test
  void groupVarsOutrankAllVars() {
    Inventory inv = Inventory.parse("""
        [all:vars]
        ansible_user=ops
        [kube_node:vars]
        ansible_user=node-admin
        [kube_node]
        w1 ansible_host=10.3.0.5
        [kube_control_plane]
        cp1 ansible_host=10.3.0.1
        """, Inventory.Format.ANSIBLE_INI);

    assertThat(host(inv, "w1").sshUser()).isEqualTo(Optional.of("node-admin"));
    assertThat(host(inv, "cp1").sshUser()).isEqualTo(Optional.of("ops"));
  }

  @Test
  void keepsASemicolonInsideAValueAndCutsOneAfterWhitespace() {
    Inventory inv = Inventory.parse("""
        ; a comment line
        [kube_node]
        w1 ansible_host=10.3.0.5 ansible_user=a;b ; the rest is a comment
        """, Inventory.Format.ANSIBLE_INI);

    assertThat(host(inv, "w1").sshUser()).isEqualTo(Optional.of("a;b"));
    assertThat(host(inv, "w1").privateIp()).isEqualTo("10.3.0.5");
  }

  @Test
  void saysAnEmptyIniInventoryInIniTerms() {
    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class,
        () -> Inventory.parse("[kube_node]\n", Inventory.Format.ANSIBLE_INI));

    assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.fix()).contains("[kube_control_plane]"));
  }
}
