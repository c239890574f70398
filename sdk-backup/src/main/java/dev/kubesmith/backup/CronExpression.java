package dev.kubesmith.backup;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cron schedule as Velero reads it (robfig/cron's standard parser): five fields
 * {@code minute hour day-of-month month day-of-week}, or one of {@code @yearly @annually @monthly
 * @weekly @daily @midnight @hourly} and {@code @every <duration>}. Checked here so a bad schedule
 * fails when the build is described, not hours later in Velero's log.
 *
 * <pre>{@code
 * CronExpression.parse("0 2 * * *");     // 02:00 every day
 * CronExpression.parse("@every 6h");
 * CronExpression.parse("0 25 * * *");    // IllegalArgumentException: hour field '25' is out of range 0-23; ...
 * }</pre>
 */
public record CronExpression(String text) {
  private static final Set<String> DESCRIPTORS =
      Set.of("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly");
  private static final Pattern EVERY = Pattern.compile("@every\\s+((\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+)");
  private static final List<Field> FIELDS = List.of(
      new Field("minute", 0, 59, List.of()),
      new Field("hour", 0, 23, List.of()),
      new Field("day-of-month", 1, 31, List.of()),
      new Field("month", 1, 12, List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
      new Field("day-of-week", 0, 6, List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")));
  static final String FIX = "write five fields 'minute hour day-of-month month day-of-week' such as '0 2 * * *' "
      + "(02:00 every day), or @hourly, @daily, @weekly, @monthly, @yearly or '@every 6h'";

  public CronExpression {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("cron schedule is empty; " + FIX);
    }
    text = text.trim().replaceAll("\\s+", " ");
  }

  /**
   * Parses and checks a cron schedule.
   *
   * @throws IllegalArgumentException naming the field that is wrong and how to write it
   */
  public static CronExpression parse(String text) {
    CronExpression c = new CronExpression(text);
    c.check();
    return c;
  }

  private void check() {
    if (text.startsWith("@")) {
      String lower = text.toLowerCase(Locale.ROOT);
      if (DESCRIPTORS.contains(lower) || EVERY.matcher(text).matches()) {
        return;
      }
      if (lower.startsWith("@every")) {
        throw new IllegalArgumentException("cron schedule '" + text + "': @every needs a Go duration such as "
            + "'@every 6h' or '@every 1h30m' (units h, m, s); " + FIX);
      }
      throw new IllegalArgumentException("cron schedule '" + text + "' is not a known descriptor; " + FIX);
    }
    String[] parts = text.split(" ");
    if (parts.length != 5) {
      throw new IllegalArgumentException("cron schedule '" + text + "' has " + parts.length + " field(s), not 5"
          + (parts.length == 6 ? " (Velero takes no seconds field)" : "") + "; " + FIX);
    }
    for (int i = 0; i < 5; i++) {
      FIELDS.get(i).check(parts[i], text);
    }
  }

  @Override
  public String toString() {
    return text;
  }

  private record Field(String name, int min, int max, List<String> names) {
    private static final Pattern ITEM = Pattern.compile("(\\*|\\?|[A-Za-z0-9]+(-[A-Za-z0-9]+)?)(/(\\d+))?");

    void check(String field, String whole) {
      for (String item : field.split(",", -1)) {
        Matcher m = ITEM.matcher(item);
        if (!m.matches()) {
          throw error(whole, item, "is not a value, range (a-b), list (a,b) or step (*/n)");
        }
        String base = m.group(1);
        if (base.equals("?") && !name.startsWith("day-of")) {
          throw error(whole, item, "'?' is allowed in day-of-month and day-of-week only");
        }
        if (!base.equals("*") && !base.equals("?")) {
          String[] range = base.split("-");
          int lo = value(range[0], whole, item);
          int hi = range.length == 2 ? value(range[1], whole, item) : lo;
          if (lo > hi) {
            throw error(whole, item, "is a range whose start is after its end");
          }
        }
        if (m.group(4) != null && Integer.parseInt(m.group(4)) == 0) {
          throw error(whole, item, "has a step of 0");
        }
      }
    }

    private int value(String v, String whole, String item) {
      int i = names.indexOf(v.toUpperCase(Locale.ROOT));
      if (i >= 0) {
        return i + min;
      }
      int n;
      try {
        n = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw error(whole, item, "is not a number" + (names.isEmpty() ? "" : " or one of " + names));
      }
      if (n < min || n > max) {
        throw error(whole, item, "is out of range " + min + "-" + max);
      }
      return n;
    }

    private IllegalArgumentException error(String whole, String item, String why) {
      return new IllegalArgumentException("cron schedule '" + whole + "': " + name + " field '" + item + "' " + why
          + "; " + FIX);
    }
  }
}
