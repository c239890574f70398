package dev.kubesmith.testkit;

import java.util.List;

/**
 * What a command run inside a simulated host (or by the sandbox on the machine) returned.
 *
 * <pre>{@code
 * ExecResult r = sandbox.host("master1").exec("cat", "/etc/hostname");
 * assertThat(r.stdout()).isEqualTo("master1\n");
 * }</pre>
 *
 * @param command the argument vector that ran
 * @param exitCode the exit status; 124 when the sandbox stopped it after its timeout
 * @param stdout everything it wrote to standard output
 * @param stderr everything it wrote to standard error
 */
public record ExecResult(List<String> command, int exitCode, String stdout, String stderr) {
  public ExecResult {
    command = List.copyOf(command);
  }

  /** Whether the command exited 0. */
  public boolean succeeded() {
    return exitCode == 0;
  }

  /** This result when the command exited 0, else a {@link SandboxException} with its exit code and stderr. */
  public ExecResult requireSuccess() {
    if (exitCode != 0) {
      throw new SandboxException("'" + String.join(" ", command) + "' exited " + exitCode
          + (stderr.isBlank() ? "" : ": " + stderr.strip()));
    }
    return this;
  }
}
