package dev.kubesmith.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.testkit.ExecResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StubScriptsTest {
  @Test
  void installedStubScriptsPassShellcheck(@TempDir Path dir) {
    Path stubs = Stubs.install(dir.resolve("stubs"));
    Path lib = stubs.resolve(".kubesmith");

    // -P: the dispatcher sources its handlers from .kubesmith beside it, as installed on a host
    ExecResult r = Proc.run(List.of("shellcheck", "-s", "bash", "-x", "-P", lib.toString(),
        stubs.resolve("kubesmith-stub").toString(), lib.resolve("packages.sh").toString(),
        lib.resolve("kube.sh").toString(), lib.resolve("system.sh").toString()));

    assertThat(r.exitCode()).as(r.stdout()).isZero();
  }

  @Test
  void everyStubbedCommandHasAHandlerAndALink(@TempDir Path dir) {
    Path stubs = Stubs.install(dir.resolve("stubs"));
    String handlers = String.join("\n", Stubs.script("packages.sh"), Stubs.script("kube.sh"), Stubs.script("system.sh"));

    assertThat(Stubs.COMMANDS).allSatisfy(c -> {
      assertThat(handlers).contains("stub_" + c.replace('-', '_') + "() {");
      assertThat(stubs.resolve(c)).isSymbolicLink().isExecutable();
    });
  }
}
