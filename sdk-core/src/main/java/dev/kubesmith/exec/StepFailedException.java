package dev.kubesmith.exec;

import java.util.Optional;

/**
 * A step that failed for good: names the host, the step, the command, its exit code and the tail
 * of its stderr (secrets redacted). The build stops starting new steps when one is thrown.
 */
public class StepFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String host;
  private final String step;
  private final String command;
  private final Integer exitCode;
  private final String stderrTail;

  public StepFailedException(String host, String step, String command, Integer exitCode, String stderrTail, Throwable cause) {
    this(format(host, step, command, exitCode, stderrTail, cause), host, step, command, exitCode, stderrTail, cause);
  }

  /** With a message of the subclass's own. */
  protected StepFailedException(String message, String host, String step, String command, Integer exitCode,
      String stderrTail, Throwable cause) {
    super(message, cause);
    this.host = host;
    this.step = step;
    this.command = command;
    this.exitCode = exitCode;
    this.stderrTail = stderrTail;
  }

  /**
   * The SSH user is not root and sudo refused to run the command without a password (kubesmith runs
   * {@code sudo -n}, which never prompts): says so, with the fix, instead of sudo's one line.
   */
  static StepFailedException sudoRefused(String host, String step, String command, int exit, String tail) {
    String message = format(host, step, command, exit, tail, null) + "\n  " + SudoRefusal.fix(host);
    return new StepFailedException(message, host, step, command, exit, tail, null);
  }

  private static String format(String host, String step, String command, Integer exit, String tail, Throwable cause) {
    StringBuilder sb = new StringBuilder("step ").append(step).append(" failed on ").append(host == null ? "the Kubernetes API" : host);
    if (command != null) {
      sb.append(": `").append(command).append('`');
    }
    if (exit != null) {
      sb.append(" exited ").append(exit);
    }
    if (tail != null && !tail.isBlank()) {
      sb.append("\n  stderr: ").append(tail.replace("\n", "\n          "));
    }
    if (cause != null && exit == null) {
      sb.append(": ").append(cause.getMessage());
    }
    return sb.toString();
  }

  public Optional<String> host() {
    return Optional.ofNullable(host);
  }

  public String step() {
    return step;
  }

  public Optional<String> command() {
    return Optional.ofNullable(command);
  }

  public Optional<Integer> exitCode() {
    return Optional.ofNullable(exitCode);
  }

  public String stderrTail() {
    return stderrTail == null ? "" : stderrTail;
  }
}
