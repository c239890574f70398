package dev.kubesmith.spec;

import java.util.Objects;

/**
 * One thing wrong with the input: the field it is in, the value found, and what would fix it.
 *
 * <pre>{@code
 * new Problem("network.podCidr", "192.168.0.0/16",
 *     "overlaps the host network 192.168.4.0/24", "choose e.g. 10.0.0.0/16 with podCidr(...)");
 * }</pre>
 */
public record Problem(String field, String value, String reason, String fix) {
  public Problem {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(fix, "fix");
  }

  /** A problem about a value that is missing. */
  public static Problem missing(String field, String fix) {
    return new Problem(field, null, "is missing", fix);
  }

  /**
   * One line: {@code field = value: reason; fix}. A value longer than 80 characters is cut and its
   * length given; invisible and control characters (a byte order mark, NUL, tab, CR, zero-width
   * characters) are named, e.g. {@code [U+FEFF (byte order mark)]}, never echoed raw.
   */
  public String message() {
    return ShownText.text(field) + (value == null ? "" : " = " + ShownText.value(value)) + ": "
        + ShownText.text(reason) + "; " + ShownText.text(fix);
  }

  @Override
  public String toString() {
    return message();
  }
}
