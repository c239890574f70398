package dev.kubesmith.backup;

import dev.kubesmith.backup.internal.Names;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Velero {@code Schedule}: a name, a cron schedule, the namespaces it backs up and how long its
 * backups are kept. Each setter returns a new schedule and only stores: a bad value becomes one of
 * {@link #problems()}, which {@code Velero.validate} reports with every other problem of the build in
 * one {@code InvalidSpecException} ({@link #parse} and {@link #requireValid()} throw them all at once).
 *
 * <pre>{@code
 * BackupSchedule s = BackupSchedule.named("test-daily").daily().includeNamespaces("test").ttl(Duration.ofDays(7));
 * BackupSchedule same = BackupSchedule.parse("name=test-daily,cron=@daily,namespaces=test,ttl=168h");
 * }</pre>
 */
public final class BackupSchedule {
  /** Velero's default time to live of a backup. */
  public static final Duration DEFAULT_TTL = Duration.ofDays(30);
  /** The keys of {@link #parse(String)}. */
  public static final List<String> KEYS = List.of("name", "cron", "namespaces", "ttl");
  private static final Pattern KEY_START = Pattern.compile(",(?=\\s*[A-Za-z][A-Za-z0-9_-]*\\s*=)");
  private static final Pattern GO_DURATION = Pattern.compile("(\\d+)(d|h|m|s)");
  private static final String TTL_FIX = "write hours, minutes or seconds such as 168h, 72h30m or 7d";

  private final String name;
  private final CronExpression cron;
  private final List<String> namespaces;
  private final Duration ttl;
  /** What the setters refused, each naming the field and the fix; the refused value is not stored. */
  private final List<String> problems;

  private BackupSchedule(String name, CronExpression cron, List<String> namespaces, Duration ttl, List<String> problems) {
    this.name = name;
    this.cron = cron;
    this.namespaces = List.copyOf(namespaces);
    this.ttl = ttl;
    this.problems = List.copyOf(problems);
  }

  private BackupSchedule with(CronExpression newCron, List<String> newNamespaces, Duration newTtl) {
    return new BackupSchedule(name, newCron, newNamespaces, newTtl, problems);
  }

  private BackupSchedule withProblem(String problem) {
    List<String> p = new ArrayList<>(problems);
    p.add(problem);
    return new BackupSchedule(name, cron, namespaces, ttl, p);
  }

  /** Every value a setter refused, in the order they were set; empty when the schedule is valid. */
  public List<String> problems() {
    return problems;
  }

  /**
   * This schedule when it has no problems.
   *
   * @throws IllegalArgumentException with every problem, when it has some
   */
  public BackupSchedule requireValid() {
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; and ", problems));
    }
    return this;
  }

  /**
   * A schedule without a cron schedule yet (set one with {@link #cron(String)}, {@link #daily()}, ...),
   * backing up every namespace, keeping backups {@link #DEFAULT_TTL}. A name that is not a DNS-1123
   * label is one of its {@link #problems()}.
   */
  public static BackupSchedule named(String name) {
    BackupSchedule s = new BackupSchedule(name == null ? "" : name, null, List.of(), null, List.of());
    String why = problemOf(() -> Names.requireLabel("schedule name", name));
    return why == null ? s : s.withProblem(why);
  }

  /** The message of the IllegalArgumentException a check throws, or null. */
  private static String problemOf(Runnable check) {
    try {
      check.run();
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /**
   * A schedule from its command-line form {@code name=NAME,cron=CRON,namespaces=NS[;NS...],ttl=DURATION},
   * e.g. {@code name=test-daily,cron=@daily,namespaces=test,ttl=168h}; commas inside the cron
   * schedule are kept ({@code cron=0 2 * * 1,4}). Only name and cron are required.
   *
   * @throws IllegalArgumentException naming the key that is missing, unknown or wrong, and the fix
   */
  public static BackupSchedule parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("--schedule is empty; write e.g. name=test-daily,cron=@daily,namespaces=test,ttl=168h");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String part : KEY_START.split(text.trim())) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("--schedule '" + text + "': '" + part.trim() + "' is not key=value; keys are " + KEYS);
      }
      String key = part.substring(0, eq).trim();
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("--schedule '" + text + "': unknown key '" + key + "'; keys are " + KEYS);
      }
      if (values.put(key, part.substring(eq + 1).trim()) != null) {
        throw new IllegalArgumentException("--schedule '" + text + "': key '" + key + "' is given twice");
      }
    }
    for (String required : List.of("name", "cron")) {
      if (!values.containsKey(required)) {
        throw new IllegalArgumentException("--schedule '" + text + "' has no " + required
            + "; write e.g. name=test-daily,cron=@daily,namespaces=test,ttl=168h");
      }
    }
    try {
      BackupSchedule s = named(values.get("name")).cron(values.get("cron"));
      if (values.containsKey("namespaces")) {
        s = s.includeNamespaces(Arrays.stream(values.get("namespaces").split(";")).map(String::trim).toArray(String[]::new));
      }
      if (values.containsKey("ttl")) {
        s = s.ttl(parseTtl(values.get("ttl")));
      }
      return s.requireValid();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--schedule '" + text + "': " + e.getMessage(), e);
    }
  }

  /**
   * The schedule in cron form (see {@link CronExpression}); one that does not parse is a problem naming
   * the cron field that is wrong.
   */
  public BackupSchedule cron(String cronSchedule) {
    try {
      return with(CronExpression.parse(cronSchedule), namespaces, ttl);
    } catch (IllegalArgumentException e) {
      return withProblem(e.getMessage());
    }
  }

  /** Every day at midnight (in the Velero server's time zone, UTC unless set). */
  public BackupSchedule daily() {
    return cron("@daily");
  }

  /** Every day at the given hour, on the hour. */
  public BackupSchedule dailyAt(int hour) {
    if (hour < 0 || hour > 23) {
      return withProblem("schedule " + name + ": hour " + hour + " is not 0-23; e.g. dailyAt(2)");
    }
    return cron("0 " + hour + " * * *");
  }

  public BackupSchedule hourly() {
    return cron("@hourly");
  }

  /** Every Sunday at midnight. */
  public BackupSchedule weekly() {
    return cron("@weekly");
  }

  /**
   * Backs up only these namespaces (every namespace when none are named); a name that is not a
   * namespace name, or one named twice, is a problem.
   */
  public BackupSchedule includeNamespaces(String... names) {
    List<String> list = new ArrayList<>();
    BackupSchedule s = this;
    for (String n : names) {
      String why = problemOf(() -> Names.requireLabel("schedule " + name + ": namespace", n));
      if (why != null) {
        s = s.withProblem(why);
      } else if (list.contains(n)) {
        s = s.withProblem("schedule " + name + ": namespace " + n + " is named twice; name it once");
      } else {
        list.add(n);
      }
    }
    return s.with(cron, list, ttl);
  }

  /** Same as {@link #includeNamespaces(String...)}, as in the design's example. */
  public BackupSchedule namespaces(String... names) {
    return includeNamespaces(names);
  }

  /**
   * How long each backup is kept before Velero deletes it (and its volume data); less than one
   * second, or fractions of one, is a problem.
   */
  public BackupSchedule ttl(Duration keep) {
    if (keep == null || keep.compareTo(Duration.ofSeconds(1)) < 0 || keep.getNano() != 0) {
      return withProblem("schedule " + name + ": ttl " + keep + " must be at least one second, in whole"
          + " seconds; e.g. ttl(Duration.ofDays(7))");
    }
    return with(cron, namespaces, keep);
  }

  public String name() {
    return name;
  }

  /**
   * The cron schedule.
   *
   * @throws IllegalStateException when none was set
   */
  public CronExpression cronExpression() {
    if (cron == null) {
      throw new IllegalStateException("schedule " + name + " has no cron schedule; call daily(), hourly(), weekly() or cron(\"0 2 * * *\")");
    }
    return cron;
  }

  public boolean hasCron() {
    return cron != null;
  }

  /** The namespaces backed up; empty means all. */
  public List<String> namespaces() {
    return namespaces;
  }

  public Duration ttl() {
    return ttl == null ? DEFAULT_TTL : ttl;
  }

  /** The TTL as Velero writes a Go duration: {@code 168h0m0s}. */
  public String ttlText() {
    return goDuration(ttl());
  }

  /** The command-line form {@link #parse(String)} reads back. */
  public String toOption() {
    StringBuilder b = new StringBuilder("name=").append(name);
    if (cron != null) {
      b.append(",cron=").append(cron);
    }
    if (!namespaces.isEmpty()) {
      b.append(",namespaces=").append(String.join(";", namespaces));
    }
    if (ttl != null) {
      b.append(",ttl=").append(goDuration(ttl));
    }
    return b.toString();
  }

  /** {@code 168h0m0s} for seven days, as Go's time.Duration prints it. */
  public static String goDuration(Duration d) {
    long s = d.getSeconds();
    return (s / 3600) + "h" + (s % 3600 / 60) + "m" + (s % 60) + "s";
  }

  /**
   * A TTL such as {@code 168h}, {@code 72h30m}, {@code 90s} or {@code 7d}.
   *
   * @throws IllegalArgumentException for anything else, with examples
   */
  public static Duration parseTtl(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("ttl is empty; " + TTL_FIX);
    }
    String t = text.trim();
    Matcher m = GO_DURATION.matcher(t);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "d" -> Duration.ofDays(n);
        case "h" -> Duration.ofHours(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofSeconds(n);
      });
      end = m.end();
    }
    if (end != t.length() || end == 0) {
      throw new IllegalArgumentException("ttl '" + text + "' is not a duration; " + TTL_FIX);
    }
    if (total.isZero()) {
      throw new IllegalArgumentException("ttl '" + text + "' is zero; " + TTL_FIX);
    }
    return total;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BackupSchedule s && name.equals(s.name) && Objects.equals(cron, s.cron)
        && namespaces.equals(s.namespaces) && Objects.equals(ttl, s.ttl) && problems.equals(s.problems);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, cron, namespaces, ttl, problems);
  }

  @Override
  public String toString() {
    return "BackupSchedule{" + toOption() + "}";
  }
}
