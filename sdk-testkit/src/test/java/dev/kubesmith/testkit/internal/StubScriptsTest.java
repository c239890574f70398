package dev.kubesmith.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.testkit.ExecResult;
import dev.kubesmith.testkit.internal.kubeadm.KubeadmConfigCheck;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
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

  /** The kubeadm stub's config check runs from what install copied alone (a host cannot see the Maven repository). */
  @Test
  void theInstalledConfigCheckRunsOnItsOwnCopiedFromAClassDirectoryOrAJar(@TempDir Path dir) throws Exception {
    Path java = Stubs.install(dir.resolve("stubs")).resolve(".kubesmith").resolve("java");
    Path classes = Path.of(KubeadmConfigCheck.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path jar = dir.resolve("sdk-testkit.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.list(classes.resolve(Stubs.CHECK_PACKAGE))) {
      for (Path f : files.toList()) {
        out.putNextEntry(new JarEntry(Stubs.CHECK_PACKAGE + f.getFileName()));
        Files.copy(f, (OutputStream) out);
        out.closeEntry();
      }
    }
    Stubs.copyConfigCheck(jar, dir.resolve("from-jar"));
    Path config = Files.writeString(dir.resolve("kubeadm.yaml"), "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n"
        + "kubernetesVersion: v1.34.2\n");

    List<String> copied;
    try (Stream<Path> a = Files.list(java.resolve("classes").resolve(Stubs.CHECK_PACKAGE))) {
      copied = a.map(p -> p.getFileName().toString()).sorted().toList();
    }
    List<String> fromJar;
    try (Stream<Path> b = Files.list(dir.resolve("from-jar").resolve(Stubs.CHECK_PACKAGE))) {
      fromJar = b.map(p -> p.getFileName().toString()).sorted().toList();
    }
    ExecResult r = Proc.run(List.of(Files.readString(java.resolve("jvm")).strip(), "-cp",
        java.resolve("classes") + ":" + java.resolve("lib").resolve("snakeyaml-engine.jar"), KubeadmConfigCheck.class.getName(),
        "validate", config.toString(), "1.34.2"), Duration.ofSeconds(30), null, null);

    assertThat(copied).contains("KubeadmConfigCheck.class", "GoJsonDecoder.class").isEqualTo(fromJar);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).isEqualTo("ok\n");
  }
}
