package dev.kubesmith.exec;

import java.time.Duration;

/**
 * A command that did not finish within the command timeout. Never retried: the remote process may
 * still be running (the SSH channel closed, the process did not necessarily end), and a second copy
 * beside it (a second {@code apt-get}, a second {@code kubeadm init}) would make things worse.
 */
public final class CommandTimeoutException extends StepFailedException {
  private static final long serialVersionUID = 1L;

  public CommandTimeoutException(String host, String step, String command, Duration timeout, Throwable cause) {
    super("step " + step + " failed on " + host + ": `" + command + "` did not finish within " + timeout.toSeconds()
        + " s and was not retried: the remote process may still be running on " + host, host, step, command, null,
        null, cause);
  }
}
