package dev.kubesmith.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** One run of {@link KubesmithCli#run} with what it printed; and where the repository's fixtures are. */
record CliRun(int exitCode, String out, String err) {
  static CliRun of(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = KubesmithCli.run(o, e, args);
    }
    return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  List<String> errLines() {
    return err.lines().toList();
  }

  /** The repository root: Maven runs a module's tests in the module directory, so look upwards. */
  static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("samples/clustera_hosts")) && Files.isRegularFile(p.resolve("mvnw"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root (with samples/clustera_hosts) above " + Path.of("").toAbsolutePath());
  }

  static Path sample(String name) {
    return repoRoot().resolve("samples").resolve(name);
  }

  /** The offline mirror beside the repository (../shared/upstream). */
  static Path mirror() {
    Path m = repoRoot().resolve("../shared/upstream").normalize();
    if (!Files.isRegularFile(m.resolve("calico/calico.yaml"))) {
      throw new IllegalStateException("the offline mirror is not at " + m);
    }
    return m;
  }
}
