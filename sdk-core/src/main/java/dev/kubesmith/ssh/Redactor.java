package dev.kubesmith.ssh;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replaces secret values with {@code ***} in anything about to be logged or put in an exception.
 * Thread-safe; values are added as the build learns them (join token, certificate key, ...).
 */
public final class Redactor {
  private final Set<String> secrets = ConcurrentHashMap.newKeySet();

  /** Registers a value to hide; values shorter than 4 characters are ignored (they would mask ordinary text). */
  public void add(String secret) {
    if (secret != null && secret.length() >= 4) {
      secrets.add(secret);
    }
  }

  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String s : secrets) {
      out = out.replace(s, "***");
    }
    return out;
  }

  @Override
  public String toString() {
    return "Redactor{" + secrets.size() + " secrets}";
  }
}
