package dev.kubesmith.plan;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a build reads off each host before it changes anything there (DESIGN.md, "Reading state
 * first"): the interface carrying its private IP (and its public one), the OS release and the init
 * system. A plan holds only {@code {{fact:master1:private-interface}}}; the {@code facts@<host>}
 * step reads the values on every apply, and the executor fills them in on the way to the host.
 * Facts are not secrets: they are neither redacted nor journaled.
 *
 * <pre>{@code
 * String nic = Facts.placeholder("master1", Facts.PRIVATE_INTERFACE);   // {{fact:master1:private-interface}}
 * Step s = Step.builder().id("calico-env@master1")...
 *     .addCommands("echo IP_AUTODETECTION_METHOD=interface=" + nic)
 *     .addDependsOn(Facts.stepId("master1")).build();
 * }</pre>
 */
public final class Facts {
  /** The network interface carrying the host's private (inventory) IP, e.g. {@code eth0}. */
  public static final String PRIVATE_INTERFACE = "private-interface";
  /** The network interface carrying the host's public IP (only hosts that have one). */
  public static final String PUBLIC_INTERFACE = "public-interface";
  /** {@code ID} of /etc/os-release, e.g. {@code debian}. */
  public static final String OS_ID = "os-id";
  /** {@code VERSION_ID} of /etc/os-release, e.g. {@code 12}; empty where the release has none. */
  public static final String OS_VERSION = "os-version-id";
  /** The command name of PID 1, e.g. {@code systemd}. */
  public static final String INIT_SYSTEM = "init";

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{fact:([A-Za-z0-9._-]+):([a-z0-9-]+)}}");

  private Facts() {}

  /** The placeholder for a fact of a host, e.g. {@code {{fact:master1:private-interface}}}. */
  public static String placeholder(String host, String name) {
    if (!host.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("host names in fact placeholders are letters, digits, '.', '_' and '-': " + host);
    }
    if (!name.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("fact names are lower-case letters, digits and '-': " + name);
    }
    return "{{fact:" + host + ":" + name + "}}";
  }

  /** The id of the step that reads a host's facts: {@code facts@<host>}. */
  public static String stepId(String host) {
    return "facts@" + host;
  }

  /** The facts a text refers to, each as {@code host:name}. */
  public static Set<String> referencedIn(String text) {
    Set<String> keys = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      keys.add(m.group(1) + ":" + m.group(2));
    }
    return keys;
  }

  /**
   * Fills fact placeholders from values keyed {@code host:name}; throws naming the host and the fact
   * that has no value (its {@code facts@<host>} step has not run, or the step using it does not
   * depend on it).
   */
  public static String fill(String text, Map<String, String> factsByHostColonName) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = factsByHostColonName.get(m.group(1) + ":" + m.group(2));
      if (v == null) {
        throw new IllegalStateException("fact '" + m.group(2) + "' of host " + m.group(1) + " is needed but not known: "
            + "the step using it must depend on " + stepId(m.group(1)));
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }
}
