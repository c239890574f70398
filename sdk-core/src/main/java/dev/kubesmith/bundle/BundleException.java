package dev.kubesmith.bundle;

/** An offline bundle could not be computed, or does not match its manifest; the message names the file or tool and the fix. */
public final class BundleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BundleException(String message) {
    super(message);
  }

  public BundleException(String message, Throwable cause) {
    super(message, cause);
  }
}
