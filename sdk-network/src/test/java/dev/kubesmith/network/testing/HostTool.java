package dev.kubesmith.network.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the real tools the tests check rendered files with (haproxy, keepalived, iptables, shellcheck). */
public final class HostTool {
  /** How long one tool run may take before the test fails. */
  public static final Duration TIMEOUT = Duration.ofSeconds(20);

  private HostTool() {}

  /** Exit code and the merged stdout/stderr of a finished command. */
  public record Result(List<String> command, int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** For assertion messages: the command, its exit code and what it printed. */
    public String describe() {
      return String.join(" ", command) + " exited " + exitCode + ":\n" + output;
    }
  }

  public static Result run(String... command) {
    return run(List.of(command), null);
  }

  /** Runs the command with {@code stdin} (or no input), failing the test when it outlasts {@link #TIMEOUT}. */
  public static Result run(List<String> command, String stdin) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p));
      try (var in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT);
      }
      return new Result(command, p.exitValue(), out.join());
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + command, e);
    }
  }

  private static String read(Process p) {
    try {
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(output unreadable: " + e.getMessage() + ")";
    }
  }

  /** {@code shellcheck} on the text as a file of its own (its shebang picks the shell). */
  public static Result shellcheck(String script, Path dir) {
    try {
      Path f = Files.createTempFile(dir, "script", ".sh");
      Files.writeString(f, script);
      return run("/usr/bin/shellcheck", "--severity=style", f.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fails with a clear message unless the tests run as root (CI does); never skips. */
  public static void requireRoot() {
    Result id = run("id", "-u");
    if (!id.output().trim().equals("0")) {
      throw new AssertionError("this test runs haproxy, keepalived and iptables in throwaway network namespaces "
          + "and needs root, but runs as uid " + id.output().trim() + "; run the build as root (CI does)");
    }
  }
}
