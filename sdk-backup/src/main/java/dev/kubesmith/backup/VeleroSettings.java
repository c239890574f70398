package dev.kubesmith.backup;

import dev.kubesmith.backup.etcd.EtcdSnapshots;
import dev.kubesmith.backup.internal.Names;
import dev.kubesmith.spec.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The values of a {@link Velero}, with their YAML form: read with problems collected, written with only what differs from the defaults. */
record VeleroSettings(String nfsHost, String exportPath, String minioSize, String bucket, Optional<EtcdSnapshots> etcd,
    List<BackupSchedule> schedules, List<Problem> problems) {
  static final VeleroSettings DEFAULTS = new VeleroSettings(null, Velero.DEFAULT_EXPORT_PATH, Velero.DEFAULT_MINIO_SIZE,
      Velero.DEFAULT_BUCKET, Optional.of(EtcdSnapshots.defaults()), List.of(), List.of());

  VeleroSettings {
    schedules = List.copyOf(schedules);
    problems = List.copyOf(problems);
  }

  static String field(String setting) {
    return "components[" + Velero.NAME + "].settings." + setting;
  }

  static String sizeProblem(String size) {
    return size != null && size.matches("[1-9][0-9]{0,5}(Mi|Gi|Ti)") ? null : "is not a size such as 50Gi (Mi, Gi or Ti)";
  }

  /** The same values with one more problem, reported by {@link Velero#validate} with every other one of the build. */
  VeleroSettings withProblem(Problem problem) {
    List<Problem> p = new ArrayList<>(problems);
    p.add(problem);
    return new VeleroSettings(nfsHost, exportPath, minioSize, bucket, etcd, schedules, p);
  }

  VeleroSettings withNfsHost(String v) {
    return new VeleroSettings(v, exportPath, minioSize, bucket, etcd, schedules, problems);
  }

  VeleroSettings withExportPath(String v) {
    return new VeleroSettings(nfsHost, v, minioSize, bucket, etcd, schedules, problems);
  }

  VeleroSettings withMinioSize(String v) {
    return new VeleroSettings(nfsHost, exportPath, v, bucket, etcd, schedules, problems);
  }

  VeleroSettings withBucket(String v) {
    return new VeleroSettings(nfsHost, exportPath, minioSize, v, etcd, schedules, problems);
  }

  VeleroSettings withEtcd(Optional<EtcdSnapshots> v) {
    return new VeleroSettings(nfsHost, exportPath, minioSize, bucket, v, schedules, problems);
  }

  VeleroSettings withSchedules(List<BackupSchedule> v) {
    return new VeleroSettings(nfsHost, exportPath, minioSize, bucket, etcd, v, problems);
  }

  /** Reads the YAML settings; each one that cannot be read becomes a problem naming its field and the fix. */
  static VeleroSettings read(Map<String, String> settings, List<String> known) {
    List<Problem> p = new ArrayList<>();
    VeleroSettings v = DEFAULTS;
    List<BackupSchedule> schedules = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(settings).entrySet()) {
      String k = e.getKey();
      String value = e.getValue();
      if (k.startsWith(Velero.SETTING_SCHEDULE_PREFIX)) {
        try {
          schedules.add(BackupSchedule.parse("name=" + k.substring(Velero.SETTING_SCHEDULE_PREFIX.length()) + "," + value));
        } catch (IllegalArgumentException ex) {
          p.add(new Problem(field(k), value, ex.getMessage().replaceFirst("^--schedule '[^']*': ", ""),
              "write e.g. cron=@daily,namespaces=test,ttl=168h"));
        }
      } else if (!known.contains(k)) {
        p.add(new Problem(field(k), value, "is not a setting of " + Velero.NAME, "use one of " + known
            + " or " + Velero.SETTING_SCHEDULE_PREFIX + "<name>"));
      }
    }
    String host = settings.get(Velero.SETTING_NFS_HOST);
    if (host != null) {
      v = v.withNfsHost(host);
    }
    String path = settings.get(Velero.SETTING_EXPORT_PATH);
    if (path != null) {
      if (Names.absolutePathProblem(path) != null) {
        p.add(new Problem(field(Velero.SETTING_EXPORT_PATH), path, Names.absolutePathProblem(path),
            "write an absolute path such as " + Velero.DEFAULT_EXPORT_PATH));
      } else {
        v = v.withExportPath(path);
      }
    }
    String size = settings.get(Velero.SETTING_MINIO_SIZE);
    if (size != null) {
      if (sizeProblem(size) != null) {
        p.add(new Problem(field(Velero.SETTING_MINIO_SIZE), size, sizeProblem(size), "write e.g. 200Gi"));
      } else {
        v = v.withMinioSize(size);
      }
    }
    String bucket = settings.get(Velero.SETTING_BUCKET);
    if (bucket != null) {
      if (Names.labelProblem(bucket) != null) {
        p.add(new Problem(field(Velero.SETTING_BUCKET), bucket, Names.labelProblem(bucket), "write e.g. velero"));
      } else {
        v = v.withBucket(bucket);
      }
    }
    v = readEtcd(settings, v, p);
    return new VeleroSettings(v.nfsHost, v.exportPath, v.minioSize, v.bucket, v.etcd, schedules, p);
  }

  /** The problems of the etcd snapshot settings, named by their YAML fields. */
  static List<Problem> etcdProblems(EtcdSnapshots e) {
    List<Problem> p = new ArrayList<>();
    if (!e.calendarIsValid()) {
      p.add(new Problem(field(Velero.SETTING_ETCD_CALENDAR), e.calendar(), "is not a systemd calendar expression",
          "write e.g. daily, hourly or '*-*-* 00/6:00:00' (every six hours)"));
    }
    if (!e.keepIsValid()) {
      p.add(new Problem(field(Velero.SETTING_ETCD_KEEP), String.valueOf(e.keep()), "is not a number from 1 to 1000",
          "write e.g. 7"));
    }
    return p;
  }

  private static VeleroSettings readEtcd(Map<String, String> settings, VeleroSettings v, List<Problem> p) {
    String on = settings.get(Velero.SETTING_ETCD_SNAPSHOTS);
    if (on != null && !on.equals("true") && !on.equals("false")) {
      p.add(new Problem(field(Velero.SETTING_ETCD_SNAPSHOTS), on, "is not a boolean", "write true or false"));
    }
    if ("false".equals(on)) {
      return v.withEtcd(Optional.empty());
    }
    EtcdSnapshots e = EtcdSnapshots.defaults();
    String calendar = settings.get(Velero.SETTING_ETCD_CALENDAR);
    if (calendar != null) {
      e = e.calendar(calendar); // checked by Velero.validate
    }
    String keep = settings.get(Velero.SETTING_ETCD_KEEP);
    if (keep != null) {
      try {
        e = e.keep(Integer.parseInt(keep));
      } catch (NumberFormatException ex) {
        p.add(new Problem(field(Velero.SETTING_ETCD_KEEP), keep, "is not a number from 1 to 1000", "write e.g. 7"));
      }
    }
    return v.withEtcd(Optional.of(e));
  }

  /** The YAML settings: only what differs from the defaults; {@link #read} gives back an equal value. */
  Map<String, String> write() {
    Map<String, String> m = new LinkedHashMap<>();
    if (nfsHost != null) {
      m.put(Velero.SETTING_NFS_HOST, nfsHost);
    }
    putIfNot(m, Velero.SETTING_EXPORT_PATH, exportPath, Velero.DEFAULT_EXPORT_PATH);
    putIfNot(m, Velero.SETTING_MINIO_SIZE, minioSize, Velero.DEFAULT_MINIO_SIZE);
    putIfNot(m, Velero.SETTING_BUCKET, bucket, Velero.DEFAULT_BUCKET);
    if (etcd.isEmpty()) {
      m.put(Velero.SETTING_ETCD_SNAPSHOTS, "false");
    } else {
      putIfNot(m, Velero.SETTING_ETCD_CALENDAR, etcd.get().calendar(), EtcdSnapshots.DEFAULT_CALENDAR);
      putIfNot(m, Velero.SETTING_ETCD_KEEP, String.valueOf(etcd.get().keep()), String.valueOf(EtcdSnapshots.DEFAULT_KEEP));
    }
    for (BackupSchedule s : schedules) {
      m.put(Velero.SETTING_SCHEDULE_PREFIX + s.name(), s.toOption().substring(("name=" + s.name() + ",").length()));
    }
    return m;
  }

  private static void putIfNot(Map<String, String> m, String k, String v, String dflt) {
    if (!v.equals(dflt)) {
      m.put(k, v);
    }
  }
}
