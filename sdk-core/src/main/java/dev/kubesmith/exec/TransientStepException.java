package dev.kubesmith.exec;

/** A step failure that may go away when retried (dpkg/apt lock, a dropped connection, API 5xx/429). */
public final class TransientStepException extends StepFailedException {
  private static final long serialVersionUID = 1L;

  public TransientStepException(String host, String step, String command, Integer exitCode, String stderrTail, Throwable cause) {
    super(host, step, command, exitCode, stderrTail, cause);
  }
}
