package dev.kubesmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.spec.Role;
import org.junit.jupiter.api.Test;

/** Sandboxes of parallel test runs (e.g. Maven modules built with -T) share the machine. */
class ConcurrentSandboxesTest {
  @Test
  void twoSandboxesRunSideBySideEachReachedOverItsOwnLink() {
    try (Sandbox first = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION)
            .host("master1", "198.18.4.31", Role.MASTER).build().start();
        Sandbox second = Sandbox.builder().host("jump", "198.18.4.10", Role.BASTION)
            .host("master1", "198.18.4.31", Role.MASTER).build().start()) {

      ExecResult viaFirst = OpenSsh.run(first, first.host("master1"), "cat /etc/hostname; ls /root");
      ExecResult viaSecond = OpenSsh.run(second, second.bastion(), "hostname");
      second.host("master1").writeFile("/root/only-in-second", "");

      assertThat(first.bastionAddress()).isNotEqualTo(second.bastionAddress());
      assertThat(viaFirst.stdout()).as(viaFirst.stderr()).isEqualTo("master1\n");
      assertThat(viaSecond.stdout()).as(viaSecond.stderr()).isEqualTo("jump\n");
      assertThat(first.host("master1").exec("ls", "/root").stdout()).doesNotContain("only-in-second");
    }
  }
}
