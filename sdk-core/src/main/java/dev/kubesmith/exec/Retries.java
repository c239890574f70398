package dev.kubesmith.exec;

import dev.kubesmith.ssh.SshException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named retries of a build, on resilience4j: {@value #CONNECT} (SSH connections),
 * {@value #COMMAND} (transient command failures such as the dpkg lock) and {@value #KUBERNETES_API}
 * (API 5xx/429). Only transient faults are retried: never authentication failures, host-key
 * mismatches or a command that failed deterministically.
 *
 * <pre>{@code
 * Retries r = Retries.custom().command(RetryPolicy.of(8, Duration.ofSeconds(2), Duration.ofMinutes(1))).build();
 * }</pre>
 */
public final class Retries {
  public static final String CONNECT = "connect";
  public static final String COMMAND = "command";
  public static final String KUBERNETES_API = "kubernetes-api";
  private static final Logger LOG = LoggerFactory.getLogger(Retries.class);

  private final Map<String, RetryPolicy> policies;

  private Retries(Map<String, RetryPolicy> policies) {
    this.policies = Map.copyOf(policies);
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

  /** A fresh registry for one build, with one named configuration per policy, so concurrent builds share no state. */
  RetryRegistry registry() {
    Map<String, RetryConfig> configs = new java.util.HashMap<>();
    policies.forEach((name, p) -> configs.put(name, config(p)));
    return RetryRegistry.of(configs);
  }

  private static RetryConfig config(RetryPolicy p) {
    return RetryConfig.custom()
        .maxAttempts(p.maxAttempts())
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(p.initialInterval(), p.multiplier(),
            p.randomization(), p.maxInterval()))
        .retryOnException(isTransient())
        .failAfterMaxAttempts(false)
        .build();
  }

  /** Whether a failure is worth retrying. */
  public static Predicate<Throwable> isTransient() {
    return t -> {
      for (Throwable c = t; c != null; c = c.getCause()) {
        if (c instanceof TransientStepException) {
          return true;
        }
        if (c instanceof SshException s) {
          return s.isTransient();
        }
        if (c instanceof io.fabric8.kubernetes.client.KubernetesClientException k) {
          return k.getCode() == 429 || k.getCode() >= 500 || k.getCode() == 0;
        }
      }
      return false;
    };
  }

  /** A new retry of the named kind (e.g. {@value #CONNECT}) for one operation; every retry is logged. */
  public Retry retry(String kind, String operation) {
    Retry retry = Retry.of(kind + ":" + operation, config(policy(kind)));
    retry.getEventPublisher().onRetry(e -> LOG.info("retry {} attempt {} in {} ms: {}", retry.getName(),
        e.getNumberOfRetryAttempts(), e.getWaitInterval().toMillis(),
        e.getLastThrowable() == null ? "" : e.getLastThrowable().getMessage()));
    return retry;
  }

  /** Sets the policies; unset ones keep {@link RetryPolicy#ofDefaults()}. */
  public static final class Builder {
    private RetryPolicy connect = RetryPolicy.ofDefaults();
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
      return new Retries(Map.of(CONNECT, connect, COMMAND, command, KUBERNETES_API, api));
    }
  }
}
