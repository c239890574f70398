package dev.kubesmith.exec;

import dev.kubesmith.ssh.SshException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What kind of failure a step ran into: the one classifier of the build. The executor retries a
 * step only for a transient kind (with that kind's {@link RetryPolicy}), and the build's failure
 * message gives the advice of the kind, so "run the build again" is said only where it can help.
 *
 * <pre>{@code
 * Fault f = Fault.of(error);
 * if (f.isTransient()) { ... retry with retries.policy(f.policyName()) ... }
 * Fault.ofCommand(100, "E: Could not get lock /var/lib/dpkg/lock-frontend");   // TRANSIENT_COMMAND
 * }</pre>
 */
public record Fault(Kind kind, Optional<Duration> retryAfter) {
  /** The kinds of failure, each with whether a retry may help. */
  public enum Kind {
    /** A command failed for a passing reason (the dpkg/apt lock, a name lookup): retried. */
    TRANSIENT_COMMAND(true),
    /** An SSH connection was refused, reset, timed out or dropped: retried. */
    CONNECTION(true),
    /** The Kubernetes API answered 429 or 5xx, or could not be reached (no HTTP response): retried. */
    API(true),
    /** A command did not finish in time: not retried, the remote process may still be running. */
    COMMAND_TIMEOUT(false),
    /** A host stopped answering its SSH keepalives: not retried, it is most likely down or cut off. */
    UNRESPONSIVE(false),
    /** A host's key is unknown or changed: a re-run fails the same way until known_hosts is fixed. */
    HOST_KEY(false),
    /** The host refused the SSH key: a re-run fails the same way until the key or user is fixed. */
    AUTHENTICATION(false),
    /** Anything else: a command failed for good, an API 4xx. Fix the cause, then re-run. */
    PERMANENT(false);

    private final boolean transientKind;

    Kind(boolean transientKind) {
      this.transientKind = transientKind;
    }
  }

  /**
   * Transient command failures: each message only counts with the exit code the tool gives it, so
   * a script that merely prints "Could not get lock" and fails otherwise is not retried. apt-get
   * exits 100 on any error (apt-get(8)); dpkg exits 2 on a fatal error such as its lock being held
   * (dpkg(1)); curl 6/7/28 are "could not resolve", "failed to connect" and "timed out" (curl(1)).
   */
  private static final List<Rule> COMMAND_RULES = List.of(
      new Rule(Set.of(100), Pattern.compile("Could not get lock|Unable to acquire the dpkg|dpkg frontend lock"
          + "|is another process using it|Temporary failure resolving|Could not connect to|Connection timed out"
          + "|Could not resolve", Pattern.CASE_INSENSITIVE)),
      new Rule(Set.of(2), Pattern.compile("dpkg frontend lock|dpkg status database is locked|lock was locked by another",
          Pattern.CASE_INSENSITIVE)),
      new Rule(Set.of(6, 7, 28), Pattern.compile("^curl: \\((6|7|28)\\)", Pattern.MULTILINE)));

  private record Rule(Set<Integer> exitCodes, Pattern stderr) {}

  public Fault {
    retryAfter = retryAfter == null ? Optional.empty() : retryAfter;
  }

  /** Whether trying the step again may succeed. */
  public boolean isTransient() {
    return kind.transientKind;
  }

  /** The {@link Retries} policy for this kind ({@value Retries#COMMAND}, {@value Retries#CONNECT}, ...). */
  public String policyName() {
    return switch (kind) {
      case CONNECTION -> Retries.CONNECT;
      case API -> Retries.KUBERNETES_API;
      default -> Retries.COMMAND;
    };
  }

  /** Whether a failed command (exit code and stderr) is worth retrying. */
  public static boolean isTransientCommand(int exitCode, String stderr) {
    return COMMAND_RULES.stream().anyMatch(r -> r.exitCodes().contains(exitCode) && r.stderr().matcher(stderr).find());
  }

  /** The kind of a failed command, from its exit code and stderr. */
  public static Fault ofCommand(int exitCode, String stderr) {
    return new Fault(isTransientCommand(exitCode, stderr) ? Kind.TRANSIENT_COMMAND : Kind.PERMANENT, Optional.empty());
  }

  /** Classifies any failure of a step, looking through its causes. */
  public static Fault of(Throwable t) {
    boolean saidTransient = false;
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CommandTimeoutException) {
        return new Fault(Kind.COMMAND_TIMEOUT, Optional.empty());
      }
      saidTransient |= c instanceof TransientStepException;
      if (c instanceof SshException s) {
        return new Fault(switch (s.kind()) {
          case CONNECT, TIMEOUT -> Kind.CONNECTION;
          case HOST_KEY -> Kind.HOST_KEY;
          case AUTHENTICATION -> Kind.AUTHENTICATION;
          case UNRESPONSIVE -> Kind.UNRESPONSIVE;
          case OTHER -> Kind.PERMANENT;
        }, Optional.empty());
      }
      if (c instanceof KubernetesClientException k) {
        return ofApi(k);
      }
    }
    // a runner that throws TransientStepException for a cause of its own has classified it already
    return new Fault(saidTransient ? Kind.TRANSIENT_COMMAND : Kind.PERMANENT, Optional.empty());
  }

  /**
   * 429 and 5xx are the server's passing trouble; a code below 1 (fabric8 8 reports -1) means no
   * HTTP response at all (refused, reset, timed out). A 429's Retry-After (the Status details'
   * retryAfterSeconds, as kube-apiserver sends with the header) sets the wait.
   */
  private static Fault ofApi(KubernetesClientException k) {
    int code = k.getCode();
    boolean retry = code == 429 || code >= 500 || code < 1;
    Optional<Duration> after = Optional.ofNullable(k.getStatus()).map(s -> s.getDetails())
        .map(d -> d.getRetryAfterSeconds()).filter(s -> s > 0).map(Duration::ofSeconds);
    return new Fault(retry ? Kind.API : Kind.PERMANENT, after);
  }

  /** What the user should do about a build that stopped on this fault. */
  public String advice() {
    return switch (kind) {
      case TRANSIENT_COMMAND, CONNECTION, API -> "run the build again to resume";
      case COMMAND_TIMEOUT -> "the remote process may still be running: check the host (ps, its logs) and let it finish"
          + " or stop it before you run the build again";
      case UNRESPONSIVE -> "the host stopped answering (down, or its network cut): bring it back, check whether the"
          + " command it was running finished, then run the build again";
      case HOST_KEY -> "running the build again fails the same way: verify the host's key out of band and fix"
          + " known_hosts, then run the build again";
      case AUTHENTICATION -> "running the build again fails the same way: fix the SSH user or key, then run the build"
          + " again";
      case PERMANENT -> "fix the cause, then run the build again to resume";
    };
  }
}
