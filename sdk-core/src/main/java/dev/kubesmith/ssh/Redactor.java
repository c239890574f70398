package dev.kubesmith.ssh;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replaces secret values with {@code ***} in anything about to be logged or put in an exception.
 * Thread-safe; values are added as the build learns them (join token, certificate key, ...). Text
 * shaped like a kubeadm bootstrap token or a 64-hex certificate key is hidden even when nobody
 * registered it: {@code kubeadm init} prints tokens of its own.
 */
public final class Redactor {
  private static final java.util.regex.Pattern BOOTSTRAP_TOKEN = java.util.regex.Pattern.compile("\\b[a-z0-9]{6}\\.[a-z0-9]{16}\\b");
  private static final java.util.regex.Pattern HEX_KEY = java.util.regex.Pattern.compile("\\b[0-9a-f]{64}\\b");
  private final Set<String> secrets = ConcurrentHashMap.newKeySet();

  /**
   * Registers a value to hide, and its base64 form (a Secret's {@code data}, as an API error or an
   * admission webhook quotes the object); values shorter than 4 characters are ignored (they would
   * mask ordinary text).
   */
  public void add(String secret) {
    if (secret != null && secret.length() >= 4) {
      secrets.add(secret);
      secrets.add(java.util.Base64.getEncoder().encodeToString(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
  }

  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    // longest first: a secret that contains another is hidden whole
    for (String s : secrets.stream().sorted(java.util.Comparator.comparingInt(String::length).reversed()).toList()) {
      out = out.replace(s, "***");
    }
    out = BOOTSTRAP_TOKEN.matcher(out).replaceAll("***");
    return HEX_KEY.matcher(out).replaceAll("***");
  }

  @Override
  public String toString() {
    return "Redactor{" + secrets.size() + " values hidden}";
  }
}
