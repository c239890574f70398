package dev.kubesmith.plan;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Placeholders for secrets in rendered files and commands. A plan only ever holds
 * {@code {{secret:join-token}}}; the executor fills the value in on the host, so logs and plans
 * are redacted by construction.
 */
public final class Secrets {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{secret:([a-z0-9-]+)}}");

  private Secrets() {}

  /** The placeholder for the named secret, e.g. {@code {{secret:join-token}}}. */
  public static String placeholder(String name) {
    if (!name.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("secret names are lower-case letters, digits and '-': " + name);
    }
    return "{{secret:" + name + "}}";
  }

  /** The names of the secrets a text refers to. */
  public static Set<String> referencedIn(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** Fills placeholders from the given values; throws naming a secret that has no value. */
  public static String fill(String text, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = values.get(m.group(1));
      if (v == null) {
        throw new IllegalStateException("secret '" + m.group(1) + "' is needed but has no value yet");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }
}
