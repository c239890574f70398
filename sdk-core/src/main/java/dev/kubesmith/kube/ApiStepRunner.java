package dev.kubesmith.kube;

import dev.kubesmith.bootstrap.Bootstrap;
import dev.kubesmith.exec.Fault;
import dev.kubesmith.exec.Retries;
import dev.kubesmith.exec.StepContext;
import dev.kubesmith.exec.StepFailedException;
import dev.kubesmith.exec.StepRunner;
import dev.kubesmith.exec.TransientStepException;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Secrets;
import dev.kubesmith.plan.Step;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs cluster steps through the Kubernetes API: waits for the step's nodes to be Ready, then
 * server-side applies its manifests (secret placeholders filled in). A step is already done when its nodes are Ready and every object
 * carries the hash kubesmith applied. The API client is made on first use from the admin kubeconfig
 * the build captured, through {@code endpoint} (e.g. an SSH forward through the bastion), and made
 * again after a failure with no HTTP response (the forward's SSH connection may have died).
 */
public final class ApiStepRunner implements StepRunner {
  private final Function<String, KubernetesApi> connect;
  private final Duration readyTimeout;
  private final boolean ownsClient;
  private KubernetesApi api;

  /**
   * The runner does not retry: it classifies each failure and the executor retries the whole step,
   * so attempts never multiply.
   *
   * @param connect makes the API client from the admin kubeconfig's text
   * @param readyTimeout how long to wait for nodes to be Ready
   */
  public ApiStepRunner(Function<String, KubernetesApi> connect, Duration readyTimeout) {
    this(connect, readyTimeout, true);
  }

  /**
   * @deprecated {@code retries} was never used here (the executor's retries apply); use
   *     {@link #ApiStepRunner(Function, Duration)}
   */
  @Deprecated(forRemoval = true)
  public ApiStepRunner(Function<String, KubernetesApi> connect, Retries retries, Duration readyTimeout) {
    this(connect, readyTimeout, true);
  }

  private ApiStepRunner(Function<String, KubernetesApi> connect, Duration readyTimeout, boolean ownsClient) {
    this.connect = connect;
    this.readyTimeout = readyTimeout;
    this.ownsClient = ownsClient;
  }

  /**
   * A runner for a cluster that already exists: every step goes through this client (e.g. from the
   * user's kubeconfig), with no admin kubeconfig to capture first. Closing the runner closes it.
   */
  public static ApiStepRunner of(KubernetesApi api, Duration readyTimeout) {
    ApiStepRunner runner = new ApiStepRunner(kubeconfig -> {
      throw new IllegalStateException("unused: the client is given");
    }, readyTimeout, false);
    runner.api = api;
    return runner;
  }

  /** @deprecated {@code retries} was never used here; use {@link #of(KubernetesApi, Duration)} */
  @Deprecated(forRemoval = true)
  public static ApiStepRunner of(KubernetesApi api, Retries retries, Duration readyTimeout) {
    return of(api, readyTimeout);
  }

  private synchronized KubernetesApi api(StepContext ctx) {
    if (api == null) {
      if (!ctx.hasSecret(Bootstrap.ADMIN_KUBECONFIG)) {
        throw new IllegalStateException("no admin kubeconfig yet: the join-credentials step must run first");
      }
      api = connect.apply(ctx.fill(Secrets.placeholder(Bootstrap.ADMIN_KUBECONFIG)));
    }
    return api;
  }

  @Override
  public boolean alreadyDone(Step step, StepContext ctx) {
    return call(step, ctx, "check", () -> {
      KubernetesApi k = api(ctx);
      if (!step.readyNodes().isEmpty()) {
        try {
          k.waitForReadyNodes(step.readyNodes(), Duration.ZERO);
        } catch (KubernetesApi.NotReadyException e) {
          return false;
        }
      }
      return step.manifests().stream().allMatch(m -> k.isApplied(filled(m, ctx)))
          && step.waitFor().stream().map(dev.kubesmith.plan.Readiness::parse).allMatch(w -> k.whyNotReady(w) == null);
    });
  }

  @Override
  public void run(Step step, StepContext ctx) {
    call(step, ctx, "apply", () -> {
      KubernetesApi k = api(ctx);
      if (!step.readyNodes().isEmpty()) {
        try {
          k.waitForReadyNodes(step.readyNodes(), readyTimeout);
        } catch (KubernetesApi.NotReadyException e) {
          throw new StepFailedException(null, step.id(), "wait for nodes Ready", null, e.getMessage(), e);
        }
      }
      for (Manifest m : step.manifests()) {
        k.apply(filled(m, ctx));
      }
      try {
        k.waitReady(step.waitFor().stream().map(dev.kubesmith.plan.Readiness::parse).toList(), readyTimeout);
      } catch (KubernetesApi.NotReadyException e) {
        throw new StepFailedException(null, step.id(), "wait for " + step.waitFor(), null, e.getMessage(), e);
      }
      return null;
    });
  }

  /**
   * The manifest with its {@code {{secret:...}}} placeholders filled from the build's secrets (e.g. a
   * password a host step captured), so rendered plans keep only the placeholder.
   */
  private static Manifest filled(Manifest m, StepContext ctx) {
    return Secrets.referencedIn(m.yaml()).isEmpty() ? m : Manifest.of(m.name(), ctx.fill(m.yaml()));
  }

  /**
   * One attempt of an API call; a failure is classified ({@link Fault}) and the executor retries the
   * step when it is transient, so neither this runner nor fabric8 retries on its own. A failure with
   * no HTTP response drops the client (and its SSH forward): the next attempt makes both anew over
   * the current bastion connection instead of talking to a forward whose connection died.
   */
  private <T> T call(Step step, StepContext ctx, String what, Supplier<T> body) {
    try {
      return body.get();
    } catch (KubernetesClientException e) {
      boolean noResponse = e.getCode() < 1;
      if (noResponse) {
        reconnectNextTime();
      }
      // API errors may quote the object (admission webhooks do): redacted like command output, and
      // the cause replaced by a redacted copy, since its message and status quote the same
      String msg = ctx.redactor().redact("Kubernetes API " + what + " failed (" + (noResponse ? "no HTTP response"
          : "HTTP " + e.getCode()) + "): " + e.getMessage());
      KubernetesClientException safe = new KubernetesClientException(msg, e.getCode(), safeStatus(e, msg));
      safe.setStackTrace(e.getStackTrace());
      if (Fault.of(e).isTransient()) {
        throw new TransientStepException(null, step.id(), null, null, msg, safe);
      }
      throw new StepFailedException(null, step.id(), null, null, msg, safe);
    }
  }

  /**
   * The status of the redacted copy: code, reason, the redacted message and only the server's
   * retryAfterSeconds of its details (a 429's wait), never its causes, which may quote the object.
   */
  private static io.fabric8.kubernetes.api.model.Status safeStatus(KubernetesClientException e, String msg) {
    io.fabric8.kubernetes.api.model.Status s = e.getStatus();
    if (s == null) {
      return null;
    }
    Integer after = s.getDetails() == null ? null : s.getDetails().getRetryAfterSeconds();
    return new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(s.getCode()).withReason(s.getReason())
        .withStatus(s.getStatus()).withMessage(msg).withNewDetails().withRetryAfterSeconds(after).endDetails().build();
  }

  private synchronized void reconnectNextTime() {
    if (ownsClient && api != null) {
      api.close();
      api = null;
    }
  }

  @Override
  public synchronized void close() {
    if (api != null) {
      api.close();
      api = null;
    }
  }
}
