package dev.kubesmith.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs pieces of a rendered preparation script for real with bash: its variable lines and named
 * functions, then a snippet, with stub commands first on PATH. Nothing outside the temp directory
 * is touched by the snippets the tests give.
 */
final class ScriptPieces {
  /** Exit code and combined output of a run. */
  record Run(int exit, String output) {}

  private ScriptPieces() {}

  /** The text of {@code name() { ... }} up to its closing brace at the start of a line. */
  static String function(String script, String name) {
    int start = script.indexOf("\n" + name + "() {\n");
    assertThat(start).as("the script defines %s()", name).isNotNegative();
    int end = script.indexOf("\n}\n", start + 1);
    return script.substring(start + 1, end + 3);
  }

  /** The script's top-level variable assignments (NAME="..." lines before the first function). */
  static String variables(String script) {
    StringBuilder sb = new StringBuilder();
    for (String line : script.lines().toList()) {
      if (line.matches("[A-Z0-9_]+=.*") || line.startsWith("export ")) {
        sb.append(line).append('\n');
      }
      if (line.endsWith("() {")) {
        break;
      }
    }
    return sb.toString();
  }

  /** Writes an executable stub command into {@code bin}. */
  static void stub(Path bin, String name, String body) throws IOException {
    Files.createDirectories(bin);
    Path p = bin.resolve(name);
    Files.writeString(p, "#!/bin/bash\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /**
   * Runs {@code bash -c program} in {@code dir} with {@code bin} first on PATH. Standard input is a
   * pipe the test keeps open (closeStdin false) or closes at once, waiting at most 60 s.
   */
  static Run bash(Path dir, Path bin, String program, boolean closeStdin) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", "-c", program));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().put("GNUPGHOME", dir.resolve("gnupg").toString());
    pb.environment().remove("DEBIAN_FRONTEND");
    Process p = pb.start();
    if (closeStdin) {
      p.getOutputStream().close();
    }
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("bash finished in time").isTrue();
      return new Run(p.exitValue(), out);
    } finally {
      p.getOutputStream().close();
    }
  }
}
