package dev.kubesmith.exec;

import dev.kubesmith.plan.Facts;
import dev.kubesmith.plan.Secrets;
import dev.kubesmith.ssh.Redactor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a runner needs besides the step: the build's secrets (filled into placeholders, registered
 * with the redactor as they are learned), the facts read off the hosts, and whether the build was
 * cancelled.
 *
 * <pre>{@code
 * StepContext ctx = new StepContext(new Redactor());
 * ctx.putFact("master1", Facts.PRIVATE_INTERFACE, "eth0");
 * ctx.fill("ip link show {{fact:master1:private-interface}}");   // ip link show eth0
 * }</pre>
 */
public final class StepContext {
  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private final Map<String, String> facts = new ConcurrentHashMap<>();
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

  /** Records a fact read off a host (see {@link Facts}); facts are not secrets and are not redacted. */
  public void putFact(String host, String name, String value) {
    facts.put(host + ":" + name, value);
  }

  /** A fact of a host, if its facts step has read it in this build. */
  public java.util.Optional<String> fact(String host, String name) {
    return java.util.Optional.ofNullable(facts.get(host + ":" + name));
  }

  /**
   * Fills {@code {{fact:host:name}}} and {@code {{secret:...}}} placeholders; throws naming a secret
   * not known yet, or the host and fact not read yet.
   */
  public String fill(String text) {
    return Secrets.fill(Facts.fill(text, facts), secrets);
  }

  public boolean isCancelled() {
    return cancelled;
  }

  void cancel() {
    cancelled = true;
  }

  @Override
  public String toString() {
    return "StepContext{" + secrets.size() + " secrets, " + facts.size() + " facts}";
  }
}
