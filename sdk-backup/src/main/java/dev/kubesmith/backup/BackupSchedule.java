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
 * backups are kept. Each setter returns a new schedule; bad values fail in the setter with the field
 * and the fix.
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

  private BackupSchedule(String name, CronExpression cron, List<String> namespaces, Duration ttl) {
    this.name = name;
    this.cron = cron;
    this.namespaces = List.copyOf(namespaces);
    this.ttl = ttl;
  }

  /**
   * A schedule without a cron schedule yet (set one with {@link #cron(String)}, {@link #daily()}, ...),
   * backing up every namespace, keeping backups {@link #DEFAULT_TTL}.
   *
   * @throws IllegalArgumentException unless the name is a DNS-1123 label
   */
  public static BackupSchedule named(String name) {
    return new BackupSchedule(Names.requireLabel("schedule name", name), null, List.of(), null);
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
      return s;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--schedule '" + text + "': " + e.getMessage(), e);
    }
  }

  /**
   * The schedule in cron form, checked (see {@link CronExpression}).
   *
   * @throws IllegalArgumentException naming the cron field that is wrong
   */
  public BackupSchedule cron(String cronSchedule) {
    return new BackupSchedule(name, CronExpression.parse(cronSchedule), namespaces, ttl);
  }

  /** Every day at midnight (in the Velero server's time zone, UTC unless set). */
  public BackupSchedule daily() {
    return cron("@daily");
  }

  /** Every day at the given hour, on the hour. */
  public BackupSchedule dailyAt(int hour) {
    if (hour < 0 || hour > 23) {
      throw new IllegalArgumentException("schedule " + name + ": hour " + hour + " is not 0-23");
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
   * Backs up only these namespaces (every namespace when none are named).
   *
   * @throws IllegalArgumentException for a name that is not a namespace name, or one named twice
   */
  public BackupSchedule includeNamespaces(String... names) {
    List<String> list = new ArrayList<>();
    for (String n : names) {
      Names.requireLabel("schedule " + name + ": namespace", n);
      if (list.contains(n)) {
        throw new IllegalArgumentException("schedule " + name + ": namespace " + n + " is named twice");
      }
      list.add(n);
    }
    return new BackupSchedule(name, cron, list, ttl);
  }

  /** Same as {@link #includeNamespaces(String...)}, as in the design's example. */
  public BackupSchedule namespaces(String... names) {
    return includeNamespaces(names);
  }

  /**
   * How long each backup is kept before Velero deletes it (and its volume data).
   *
   * @throws IllegalArgumentException unless at least one second, in whole seconds
   */
  public BackupSchedule ttl(Duration keep) {
    if (keep == null || keep.compareTo(Duration.ofSeconds(1)) < 0 || keep.getNano() != 0) {
      throw new IllegalArgumentException("schedule " + name + ": ttl " + keep + " must be at least one second, in whole"
          + " seconds; e.g. ttl(Duration.ofDays(7))");
    }
    return new BackupSchedule(name, cron, namespaces, keep);
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
        && namespaces.equals(s.namespaces) && Objects.equals(ttl, s.ttl);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, cron, namespaces, ttl);
  }

  @Override
  public String toString() {
    return "BackupSchedule{" + toOption() + "}";
  }
}
