package dev.kubesmith.testkit;

import java.time.Instant;
import java.util.List;

/**
 * One call of a stubbed command on a simulated host, as the stub recorded it.
 *
 * <pre>{@code
 * List<Call> installs = sandbox.host("master1").calls("apt-get");
 * assertThat(installs).anyMatch(c -> c.args().contains("install"));
 * }</pre>
 *
 * @param time when the call ended
 * @param host the simulated host it ran on
 * @param exitCode what the stub returned
 * @param argv the command name followed by its arguments
 */
public record Call(Instant time, String host, int exitCode, List<String> argv) {
  public Call {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a call has at least the command name");
    }
  }

  /** The command's name, e.g. {@code kubeadm}. */
  public String command() {
    return argv.get(0);
  }

  /** The arguments after the command name. */
  public List<String> args() {
    return argv.subList(1, argv.size());
  }

  /** The command line, arguments joined by spaces (for messages, not for a shell). */
  public String commandLine() {
    return String.join(" ", argv);
  }

  @Override
  public String toString() {
    return host + ": " + commandLine() + " -> " + exitCode;
  }
}
