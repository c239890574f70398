package dev.kubesmith.exec;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The retry policies of a build, one per kind of transient fault: {@value #CONNECT} (SSH connections
 * refused, reset or dropped), {@value #COMMAND} (a command's passing failure such as the dpkg lock)
 * and {@value #KUBERNETES_API} (API 5xx/429, or no HTTP response). Retries happen at one layer only:
 * the executor runs a failed step again (its check first) when {@link Fault#of} calls the failure
 * transient, with that kind's policy; runners and the fabric8 client do not retry on their own.
 * Never retried: authentication failures, host-key mismatches, command timeouts and deterministic failures.
 *
 * <pre>{@code
 * Retries r = Retries.custom().command(RetryPolicy.of(8, Duration.ofSeconds(2), Duration.ofMinutes(1))).build();
 * }</pre>
 */
public final class Retries {
  public static final String CONNECT = "connect";
  public static final String COMMAND = "command";
  public static final String KUBERNETES_API = "kubernetes-api";
  /** Connections get more attempts by default: a host may still be booting. */
  public static final RetryPolicy DEFAULT_CONNECT = RetryPolicy.of(8, Duration.ofSeconds(1), Duration.ofSeconds(30))
      .withMaxElapsed(Duration.ofMinutes(3));

  private final Map<String, RetryPolicy> policies;
  private final Sleeper sleeper;

  private Retries(Map<String, RetryPolicy> policies, Sleeper sleeper) {
    this.policies = Map.copyOf(policies);
    this.sleeper = sleeper;
  }

  public static Retries ofDefaults() {
    return custom().build();
  }

  /** No retries: every fault fails the step at once. */
  public static Retries none() {
    return custom().connect(RetryPolicy.none()).command(RetryPolicy.none()).kubernetesApi(RetryPolicy.none()).build();
  }

  public static Builder custom() {
    return new Builder();
  }

  public RetryPolicy policy(String name) {
    RetryPolicy p = policies.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no retry named " + name + "; there are " + policies.keySet());
    }
    return p;
  }

  /** Whether a failure is worth retrying (see {@link Fault#of}). */
  public static Predicate<Throwable> isTransient() {
    return t -> Fault.of(t).isTransient();
  }

  /** Told before each retry. */
  interface Observer {
    void retrying(int attempt, Duration wait, Throwable error);
  }

  /** A failure the retries gave up on, with how many attempts were made over how long. */
  record GaveUp(Throwable error, int attempts, Duration elapsed) {}

  /** Waits; tests replace it to run retries on a simulated clock. */
  interface Sleeper {
    long nanoTime();

    /** Waits {@code d}, returning early (false) when {@code cancelled} turns true. */
    boolean sleep(Duration d, BooleanSupplier cancelled) throws InterruptedException;

    Sleeper REAL = new Sleeper() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public boolean sleep(Duration d, BooleanSupplier cancelled) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        for (long left = d.toNanos(); left > 0; left = end - System.nanoTime()) {
          if (cancelled.getAsBoolean()) {
            return false;
          }
          Thread.sleep(Math.max(1, Math.min(200, left / 1_000_000)));
        }
        return !cancelled.getAsBoolean();
      }
    };
  }

  /**
   * Runs one step's attempts: a transient failure is retried with its kind's policy while attempts
   * remain and the step's first failure is less than {@code maxElapsed} ago (a 429's Retry-After sets
   * the wait); anything else is thrown at once as a {@link GaveUp}-carrying {@link RetriesExhausted}.
   */
  <T> T run(Supplier<T> attempt, Observer observer, BooleanSupplier cancelled) {
    long firstFailure = 0;
    int attempts = 0;
    while (true) {
      attempts++;
      try {
        return attempt.get();
      } catch (RuntimeException e) {
        long now = sleeper.nanoTime();
        firstFailure = attempts == 1 ? now : firstFailure;
        Duration elapsed = Duration.ofNanos(now - firstFailure);
        Fault fault = Fault.of(e);
        if (!fault.isTransient() || cancelled.getAsBoolean()) {
          throw new RetriesExhausted(new GaveUp(e, attempts, elapsed));
        }
        RetryPolicy p = policy(fault.policyName());
        int n = attempts;
        Duration wait = fault.retryAfter().orElseGet(() -> Duration.ofMillis(IntervalFunction.ofExponentialRandomBackoff(
            p.initialInterval(), p.multiplier(), p.randomization(), p.maxInterval()).apply(n)));
        if (attempts >= p.maxAttempts() || elapsed.plus(wait).compareTo(p.maxElapsed()) > 0) {
          throw new RetriesExhausted(new GaveUp(e, attempts, elapsed));
        }
        observer.retrying(attempts, wait, e);
        try {
          if (!sleeper.sleep(wait, cancelled)) {
            throw new RetriesExhausted(new GaveUp(e, attempts, elapsed));
          }
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new RetriesExhausted(new GaveUp(e, attempts, elapsed));
        }
      }
    }
  }

  /** Carries a {@link GaveUp} out of {@link #run}; unwrapped by the executor. */
  static final class RetriesExhausted extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient GaveUp gaveUp;

    RetriesExhausted(GaveUp gaveUp) {
      super(gaveUp.error().getMessage(), gaveUp.error(), false, false);
      this.gaveUp = gaveUp;
    }

    GaveUp gaveUp() {
      return gaveUp;
    }
  }

  /** The same policies with another sleeper (tests: a simulated clock). */
  Retries withSleeper(Sleeper s) {
    return new Retries(policies, s);
  }

  /** Sets the policies; unset ones keep their defaults ({@link #DEFAULT_CONNECT}, {@link RetryPolicy#ofDefaults()}). */
  public static final class Builder {
    private RetryPolicy connect = DEFAULT_CONNECT;
    private RetryPolicy command = RetryPolicy.ofDefaults();
    private RetryPolicy api = RetryPolicy.ofDefaults();

    public Builder connect(RetryPolicy p) {
      this.connect = p;
      return this;
    }

    public Builder command(RetryPolicy p) {
      this.command = p;
      return this;
    }

    public Builder kubernetesApi(RetryPolicy p) {
      this.api = p;
      return this;
    }

    public Retries build() {
      return new Retries(Map.of(CONNECT, connect, COMMAND, command, KUBERNETES_API, api), Sleeper.REAL);
    }
  }
}
