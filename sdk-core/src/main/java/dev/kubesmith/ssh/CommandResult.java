package dev.kubesmith.ssh;

import java.time.Duration;

/** What a command did on a host: its exit code and output (already redacted when it was logged). */
public record CommandResult(int exitCode, String stdout, String stderr, Duration took) {
  public boolean ok() {
    return exitCode == 0;
  }

  /** The last {@code lines} lines of stderr, for error messages. */
  public String stderrTail(int lines) {
    String[] all = stderr.strip().split("\n");
    int from = Math.max(0, all.length - lines);
    return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
  }

  @Override
  public String toString() {
    return "CommandResult{exit=" + exitCode + ", took=" + took.toMillis() + "ms}";
  }
}
