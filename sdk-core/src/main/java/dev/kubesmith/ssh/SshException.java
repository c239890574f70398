package dev.kubesmith.ssh;

/**
 * A failure talking to a host over SSH, with the host and the kind of failure, so callers (and
 * the executor's retries) can tell a transient fault from one that will not go away.
 */
public class SshException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong; only {@link #CONNECT} and {@link #TIMEOUT} are worth retrying. */
  public enum Kind {
    /** Connection refused, reset or dropped: transient. */
    CONNECT,
    /** No answer in time: transient. */
    TIMEOUT,
    /** The server refused our key: retrying cannot help. */
    AUTHENTICATION,
    /** The host's key is unknown (strict) or changed: retrying must not help. */
    HOST_KEY,
    /**
     * The host stopped answering (its SSH keepalives went unanswered) while connected: not retried,
     * since a command may still run there and the host is most likely down or cut off.
     */
    UNRESPONSIVE,
    /** Anything else (file transfer, protocol). */
    OTHER
  }

  private final String host;
  private final Kind kind;

  public SshException(String host, Kind kind, String message, Throwable cause) {
    super(host + ": " + message, cause);
    this.host = host;
    this.kind = kind;
  }

  public String host() {
    return host;
  }

  public Kind kind() {
    return kind;
  }

  /** Whether trying again may succeed. */
  public boolean isTransient() {
    return kind == Kind.CONNECT || kind == Kind.TIMEOUT;
  }
}
