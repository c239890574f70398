package dev.kubesmith.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class MachineTest {
  @Test
  void refusesToStartWithoutRootAndSaysWhy() {
    assertThatThrownBy(() -> Machine.requireRoot(OptionalInt.of(1000)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("the sandbox needs root (network namespaces, mounts); run the tests as root as CI does");
  }

  @Test
  void acceptsRoot() {
    Machine.requireRoot(OptionalInt.of(0));

    assertThat(Machine.effectiveUid()).isPresent();
  }

  @Test
  void sandboxDirectoriesStayOutOfOverlaidTreesAndOddCharacters() {
    assertThat(Machine.usable(Path.of("/tmp"))).isTrue();
    assertThat(Machine.usable(Path.of("/var/tmp"))).isFalse();
    assertThat(Machine.usable(Path.of("/tmp/a,b"))).isFalse();
    assertThat(Machine.usable(Path.of("/tmp/with space"))).isFalse();
  }
}
