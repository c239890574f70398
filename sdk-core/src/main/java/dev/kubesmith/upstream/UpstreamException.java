package dev.kubesmith.upstream;

/** An upstream file could not be fetched or did not match its pinned checksum. */
public final class UpstreamException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UpstreamException(String message, Throwable cause) {
    super(message, cause);
  }

  public UpstreamException(String message) {
    super(message);
  }
}
