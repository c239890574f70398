package dev.kubesmith.testkit;

/**
 * The sandbox could not do what was asked: a host did not start, a command it needs failed, or a
 * simulated host's file could not be read. The message names the host and the command.
 *
 * <pre>{@code
 * try (Sandbox sandbox = Sandbox.builder().host("bastion", "198.18.4.10", Role.BASTION).build()) {
 *   sandbox.start();
 * } catch (SandboxException e) {
 *   // e.g. "host bastion did not start: mount: /etc: ..."
 * }
 * }</pre>
 */
public class SandboxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SandboxException(String message) {
    super(message);
  }

  public SandboxException(String message, Throwable cause) {
    super(message, cause);
  }
}
