package dev.kubesmith.exec;

import java.time.Duration;

/**
 * Exponential backoff with jitter for one kind of transient fault, bounded twice: at most
 * {@code maxAttempts} attempts of a step, and no retry starts later than {@code maxElapsed} after the
 * step's first failure, so a fault that does not pass (an API answering 500 for good) fails the
 * build in bounded time.
 *
 * <pre>{@code
 * RetryPolicy p = RetryPolicy.of(5, Duration.ofSeconds(1), Duration.ofSeconds(30)).withMaxElapsed(Duration.ofMinutes(1));
 * }</pre>
 */
public record RetryPolicy(int maxAttempts, Duration initialInterval, double multiplier, double randomization,
    Duration maxInterval, Duration maxElapsed) {
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  public static final Duration DEFAULT_INITIAL_INTERVAL = Duration.ofSeconds(1);
  public static final double DEFAULT_MULTIPLIER = 2.0;
  public static final double DEFAULT_RANDOMIZATION = 0.5;
  public static final Duration DEFAULT_MAX_INTERVAL = Duration.ofSeconds(30);
  /** How long after a step's first failure a retry may still start, unless set. */
  public static final Duration DEFAULT_MAX_ELAPSED = Duration.ofMinutes(2);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    if (initialInterval.isNegative() || initialInterval.isZero()) {
      throw new IllegalArgumentException("initialInterval must be positive: " + initialInterval);
    }
    if (multiplier < 1.0) {
      throw new IllegalArgumentException("multiplier must be at least 1: " + multiplier);
    }
    if (randomization < 0 || randomization >= 1) {
      throw new IllegalArgumentException("randomization must be in [0, 1): " + randomization);
    }
    if (maxInterval.compareTo(initialInterval) < 0) {
      throw new IllegalArgumentException("maxInterval " + maxInterval + " is shorter than initialInterval " + initialInterval);
    }
    if (maxElapsed.isNegative()) {
      throw new IllegalArgumentException("maxElapsed must not be negative: " + maxElapsed);
    }
  }

  /** As before this bound existed: {@value #DEFAULT_MAX_ATTEMPTS}-style settings with the default total bound. */
  public RetryPolicy(int maxAttempts, Duration initialInterval, double multiplier, double randomization, Duration maxInterval) {
    this(maxAttempts, initialInterval, multiplier, randomization, maxInterval, DEFAULT_MAX_ELAPSED);
  }

  public static RetryPolicy ofDefaults() {
    return new RetryPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_INTERVAL, DEFAULT_MULTIPLIER, DEFAULT_RANDOMIZATION,
        DEFAULT_MAX_INTERVAL);
  }

  public static RetryPolicy of(int maxAttempts, Duration initial, Duration max) {
    return new RetryPolicy(maxAttempts, initial, DEFAULT_MULTIPLIER, DEFAULT_RANDOMIZATION, max);
  }

  /** The same with another bound on the time after the first failure in which retries may start. */
  public RetryPolicy withMaxElapsed(Duration maxElapsed) {
    return new RetryPolicy(maxAttempts, initialInterval, multiplier, randomization, maxInterval, maxElapsed);
  }

  /** No retries at all. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ofMillis(1), 1.0, 0, Duration.ofMillis(1), Duration.ZERO);
  }
}
