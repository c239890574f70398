package dev.kubesmith.backup.internal;

import java.util.regex.Pattern;

/** The checks on Kubernetes names every part of the backup module shares, with messages naming the fix. */
public final class Names {
  /** A DNS-1123 label: namespaces, schedule, backup and restore names. */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private Names() {}

  /** Null when {@code value} is a DNS-1123 label, else why not. */
  public static String labelProblem(String value) {
    if (value == null || value.isEmpty()) {
      return "is empty";
    }
    return LABEL.matcher(value).matches() ? null
        : "is not a DNS-1123 label (at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit)";
  }

  /**
   * Throws naming the field and a fix unless {@code value} is a DNS-1123 label.
   *
   * @throws IllegalArgumentException e.g. {@code schedule name 'Test_Daily' is not a DNS-1123 label ...; write e.g. test-daily}
   */
  public static String requireLabel(String field, String value) {
    String why = labelProblem(value);
    if (why != null) {
      throw new IllegalArgumentException(field + " '" + value + "' " + why + "; write e.g. "
          + (value == null || value.isEmpty() ? "test-daily" : suggestion(value)));
    }
    return value;
  }

  /** The closest label to the value: lower case, other characters as '-'. */
  public static String suggestion(String value) {
    String s = value.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
    return s.isEmpty() ? "test-daily" : s.length() > 63 ? s.substring(0, 63).replaceAll("-+$", "") : s;
  }

  /** Null when the path is absolute, not the root, without '..' or characters a shell or exports file would split on. */
  public static String absolutePathProblem(String path) {
    if (path == null || !path.startsWith("/") || path.equals("/") || path.contains("..")) {
      return "is not an absolute directory path";
    }
    return path.matches("/[A-Za-z0-9._/-]+") ? null : "may hold only letters, digits, '.', '_', '-' and '/'";
  }
}
