package dev.kubesmith.exec;

import dev.kubesmith.plan.Secrets;
import dev.kubesmith.ssh.Redactor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a runner needs besides the step: the build's secrets (filled into placeholders, registered
 * with the redactor as they are learned) and whether the build was cancelled.
 */
public final class StepContext {
  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private final Redactor redactor;
  private volatile boolean cancelled;

  public StepContext(Redactor redactor) {
    this.redactor = redactor;
  }

  public Redactor redactor() {
    return redactor;
  }

  /** Records a secret learned during the build (e.g. the join token) and hides it from logs. */
  public void putSecret(String name, String value) {
    secrets.put(name, value);
    redactor.add(value);
  }

  public boolean hasSecret(String name) {
    return secrets.containsKey(name);
  }

  /** Fills {@code {{secret:...}}} placeholders; throws naming a secret not known yet. */
  public String fill(String text) {
    return Secrets.fill(text, secrets);
  }

  public boolean isCancelled() {
    return cancelled;
  }

  void cancel() {
    cancelled = true;
  }

  @Override
  public String toString() {
    return "StepContext{" + secrets.size() + " secrets}";
  }
}
