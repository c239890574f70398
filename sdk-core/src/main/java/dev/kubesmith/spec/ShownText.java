package dev.kubesmith.spec;

/**
 * Input text as a problem may show it: at most {@link #MAX_VALUE} characters of a value, and every
 * invisible or control character named instead of echoed, so a 1 MB line or a stray byte order mark
 * yields one legible line, not the bytes themselves.
 *
 * <pre>{@code
 * ShownText.value("\uFEFF192.168.4.31");   // "[U+FEFF (byte order mark)]192.168.4.31"
 * }</pre>
 */
final class ShownText {
  /** The longest value shown; the rest is counted. */
  static final int MAX_VALUE = 80;
  /** The longest field, reason or fix shown: these are the SDK's words, but may quote input. */
  static final int MAX_TEXT = 400;

  private ShownText() {}

  /** A value from the input, capped at {@link #MAX_VALUE} characters. */
  static String value(String s) {
    return shown(s, MAX_VALUE);
  }

  /** Text that may quote input (a field, reason or fix), capped at {@link #MAX_TEXT} characters. */
  static String text(String s) {
    return shown(s, MAX_TEXT);
  }

  private static String shown(String s, int max) {
    int total = s.codePointCount(0, s.length());
    StringBuilder out = new StringBuilder();
    int shownPoints = 0;
    int i = 0;
    while (i < s.length() && shownPoints < max) {
      int cp = s.codePointAt(i);
      String name = invisible(cp);
      int run = 1;
      int next = i + Character.charCount(cp);
      if (name != null) {
        // A run of the same invisible character is named once with its count (1,000 NULs, a row of tabs).
        while (next < s.length() && s.codePointAt(next) == cp) {
          run++;
          next += Character.charCount(cp);
        }
        out.append('[').append(name).append(run > 1 ? " x" + run : "").append(']');
      } else {
        out.appendCodePoint(cp);
      }
      shownPoints += run;
      i = next;
    }
    if (i < s.length()) {
      out.append("... (").append(total).append(" characters)");
    }
    return out.toString();
  }

  /** The name of a character that would not show, or would change the layout; null for a visible one. */
  static String invisible(int cp) {
    String known = switch (cp) {
      case 0x00 -> "NUL";
      case 0x09 -> "tab";
      case 0x0A -> "line feed";
      case 0x0D -> "carriage return";
      case 0x1B -> "escape";
      case 0x7F -> "DEL";
      case 0xA0 -> "no-break space";
      case 0xAD -> "soft hyphen";
      case 0x200B -> "zero-width space";
      case 0x200C -> "zero-width non-joiner";
      case 0x200D -> "zero-width joiner";
      case 0x200E -> "left-to-right mark";
      case 0x200F -> "right-to-left mark";
      case 0x2028 -> "line separator";
      case 0x2029 -> "paragraph separator";
      case 0x2060 -> "word joiner";
      case 0xFEFF -> "byte order mark";
      case 0xFFFD -> "replacement character: the file is not valid UTF-8 here";
      default -> null;
    };
    if (known != null) {
      return code(cp) + " (" + known + ")";
    }
    int type = Character.getType(cp);
    if (cp < 0x20 || (cp >= 0x80 && cp < 0xA0)) {
      return code(cp) + " (control character)";
    }
    if (type == Character.FORMAT || type == Character.UNASSIGNED || type == Character.PRIVATE_USE
        || type == Character.SURROGATE || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
      return code(cp) + " (invisible character)";
    }
    return null;
  }

  private static String code(int cp) {
    return String.format("U+%04X", cp);
  }
}
