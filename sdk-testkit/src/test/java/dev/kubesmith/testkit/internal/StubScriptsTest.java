package dev.kubesmith.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.testkit.ExecResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StubScriptsTest {
  @Test
  void installedStubScriptsPassShellcheck(@TempDir Path dir) {
    Path stubs = Stubs.install(dir.resolve("stubs"));
    Path lib = stubs.resolve(".kubesmith");

    // -P: the dispatcher sources its handlers from .kubesmith beside it, as installed on a host
    List<String> argv = new ArrayList<>(List.of("shellcheck", "-s", "bash", "-x", "-P", lib.toString(),
        stubs.resolve("kubesmith-stub").toString()));
    Stubs.LIBRARIES.forEach(l -> argv.add(lib.resolve(l).toString()));
    ExecResult r = Proc.run(argv);

    assertThat(r.exitCode()).as(r.stdout()).isZero();
  }

  @Test
  void everyStubbedCommandHasAHandlerAndALink(@TempDir Path dir) {
    Path stubs = Stubs.install(dir.resolve("stubs"));
    String handlers = String.join("\n", Stubs.LIBRARIES.stream().map(Stubs::script).toList());

    assertThat(Stubs.COMMANDS).allSatisfy(c -> {
      assertThat(handlers).contains("stub_" + c.replace('-', '_') + "() {");
      assertThat(stubs.resolve(c)).isSymbolicLink().isExecutable();
    });
  }
}
