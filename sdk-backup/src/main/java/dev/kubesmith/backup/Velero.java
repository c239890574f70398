package dev.kubesmith.backup;

import dev.kubesmith.backup.etcd.EtcdSnapshots;
import dev.kubesmith.backup.internal.KubeYaml;
import dev.kubesmith.backup.internal.Names;
import dev.kubesmith.backup.minio.MinioCredentials;
import dev.kubesmith.backup.minio.MinioManifests;
import dev.kubesmith.backup.nfs.NfsServer;
import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.PlanContext;
import dev.kubesmith.plan.Manifest;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Readiness;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.ComponentSpec;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Problem;
import dev.kubesmith.spec.Role;
import dev.kubesmith.upstream.UpstreamFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Backup (step 10 of the seed, and beyond): an NFS host outside the cluster, MinIO on an
 * NFS-backed PersistentVolume, Velero {@value VeleroManifests#VERSION} with a BackupStorageLocation on
 * MinIO, the node agent for file-system volume backups and {@link BackupSchedule schedules}; plus
 * etcd snapshots on every master, copied to the NFS host (see {@link EtcdSnapshots}; restore with
 * {@link dev.kubesmith.backup.etcd.EtcdRestore}). Host steps write {@code hosts/<nfs host>/...} and
 * {@code hosts/<master>/...} of the rendered plan; MinIO, Velero and its custom resources are
 * {@code cluster/*.yaml}. MinIO's generated root password never enters the plan: see {@link MinioCredentials}.
 *
 * <pre>{@code
 * Velero backup = Velero.minioOnNfs("nfs1", "/srv/backup")
 *     .schedule("test-daily", s -> s.daily().includeNamespaces("test").ttl(Duration.ofDays(7)));
 * Velero fromCli = Velero.fromOptions("velero", List.of("name=test-daily,cron=@daily,namespaces=test,ttl=168h"));
 * }</pre>
 */
public final class Velero implements Component {
  public static final String NAME = "velero";
  /** Also accepted for {@code --backup} and in the YAML spec. */
  public static final String ALIAS = "backup";
  public static final String DEFAULT_EXPORT_PATH = "/srv/backup";
  public static final String DEFAULT_MINIO_SIZE = "50Gi";
  public static final String DEFAULT_BUCKET = "velero";
  public static final String SETTING_NFS_HOST = "nfsHost";
  public static final String SETTING_EXPORT_PATH = "exportPath";
  public static final String SETTING_MINIO_SIZE = "minioSize";
  public static final String SETTING_BUCKET = "bucket";
  public static final String SETTING_ETCD_SNAPSHOTS = "etcdSnapshots";
  public static final String SETTING_ETCD_CALENDAR = "etcdSnapshotCalendar";
  public static final String SETTING_ETCD_KEEP = "etcdSnapshotKeep";
  /** Prefix of one setting per schedule: {@code schedule.test-daily: cron=@daily,namespaces=test,ttl=168h0m0s}. */
  public static final String SETTING_SCHEDULE_PREFIX = "schedule.";

  public static final String STEP_MINIO = "minio";
  public static final String STEP_BUCKET = "minio-bucket";
  public static final String STEP_CRDS = "velero-crds";
  public static final String STEP_VELERO = "velero";
  public static final String STEP_SCHEDULES = "velero-schedules";

  private static final List<String> SETTINGS = List.of(SETTING_NFS_HOST, SETTING_EXPORT_PATH, SETTING_MINIO_SIZE,
      SETTING_BUCKET, SETTING_ETCD_SNAPSHOTS, SETTING_ETCD_CALENDAR, SETTING_ETCD_KEEP);

  private final VeleroSettings s;

  private Velero(VeleroSettings settings) {
    this.s = settings;
  }

  /**
   * Velero with MinIO on an export of the named NFS host; schedules are added with {@link #schedule}.
   * An empty host name or an export path that is not absolute is reported by {@link #validate}.
   */
  public static Velero minioOnNfs(String nfsHost, String exportPath) {
    VeleroSettings v = VeleroSettings.DEFAULTS;
    if (nfsHost == null || nfsHost.isBlank()) {
      v = v.withProblem(new Problem(VeleroSettings.field(SETTING_NFS_HOST), nfsHost, "is empty",
          "name the inventory host with role nfs, e.g. minioOnNfs(\"nfs1\", \"" + DEFAULT_EXPORT_PATH + "\")"));
    } else {
      v = v.withNfsHost(nfsHost);
    }
    String why = Names.absolutePathProblem(exportPath);
    return new Velero(why == null ? v.withExportPath(exportPath) : v.withProblem(new Problem(
        VeleroSettings.field(SETTING_EXPORT_PATH), exportPath, why, "write an absolute path such as " + DEFAULT_EXPORT_PATH)));
  }

  /** Velero with MinIO on {@value #DEFAULT_EXPORT_PATH} of the inventory's one host with role nfs. */
  public static Velero defaults() {
    return new Velero(VeleroSettings.DEFAULTS);
  }

  /**
   * What the CLI makes of {@code --backup velero} and repeated {@code --schedule} options.
   *
   * @throws IllegalArgumentException naming the option and the fix
   */
  public static Velero fromOptions(String backup, List<String> schedules) {
    if (backup == null || !(backup.equals(NAME) || backup.equals(ALIAS))) {
      throw new IllegalArgumentException("--backup " + backup + " is not known; write --backup velero");
    }
    Velero v = defaults();
    for (String text : schedules) {
      BackupSchedule parsed = BackupSchedule.parse(text);
      if (v.schedules().stream().anyMatch(x -> x.name().equals(parsed.name()))) { // an option error, named as one
        throw new IllegalArgumentException("schedule " + parsed.name() + " is added twice; give each schedule its own name");
      }
      v = v.schedule(parsed);
    }
    return v;
  }

  /** Velero from its YAML form; settings it cannot read are reported by {@link #validate(ClusterSpec)}. */
  public static Velero of(ComponentSpec spec) {
    return new Velero(VeleroSettings.read(spec.settings(), SETTINGS));
  }

  /** Adds a schedule; one without a cron schedule, or a name used twice, is reported by {@link #validate}. */
  public Velero schedule(BackupSchedule schedule) {
    if (schedule == null) {
      return new Velero(s.withProblem(Problem.missing(VeleroSettings.field(SETTING_SCHEDULE_PREFIX + "*"),
          "give a schedule, e.g. schedule(\"test-daily\", s -> s.daily())")));
    }
    String field = VeleroSettings.field(SETTING_SCHEDULE_PREFIX + schedule.name());
    if (!schedule.problems().isEmpty()) { // every value its setters refused, reported together by validate
      VeleroSettings v = s;
      for (String problem : schedule.problems()) {
        v = v.withProblem(new Problem(field, schedule.name(), problem, "see BackupSchedule for the values each setter takes"));
      }
      return new Velero(v);
    }
    if (!schedule.hasCron()) {
      return new Velero(s.withProblem(new Problem(field, schedule.name(), "has no cron schedule",
          "call daily(), hourly(), weekly() or cron(\"0 2 * * *\") on it")));
    }
    if (s.schedules().stream().anyMatch(x -> x.name().equals(schedule.name()))) {
      return new Velero(s.withProblem(new Problem(field, schedule.name(), "is added twice",
          "give each schedule its own name")));
    }
    List<BackupSchedule> list = new ArrayList<>(s.schedules());
    list.add(schedule);
    return new Velero(s.withSchedules(list));
  }

  /**
   * Adds a schedule built from its name: {@code schedule("test-daily", s -> s.daily().includeNamespaces("test"))}.
   * A bad name, cron expression, namespace or TTL is reported by {@link #validate} with every other problem.
   */
  public Velero schedule(String name, UnaryOperator<BackupSchedule> build) {
    BackupSchedule schedule;
    try {
      schedule = build.apply(BackupSchedule.named(name));
    } catch (IllegalArgumentException e) {
      return new Velero(s.withProblem(new Problem(VeleroSettings.field(SETTING_SCHEDULE_PREFIX + name), name,
          e.getMessage(), "see BackupSchedule for the values each setter takes")));
    }
    return schedule(schedule);
  }

  /** The size of MinIO's PersistentVolume, e.g. {@code 200Gi}; anything else is reported by {@link #validate}. */
  public Velero minioSize(String size) {
    if (VeleroSettings.sizeProblem(size) != null) {
      return new Velero(s.withProblem(new Problem(VeleroSettings.field(SETTING_MINIO_SIZE), size,
          VeleroSettings.sizeProblem(size), "write e.g. 200Gi")));
    }
    return new Velero(s.withMinioSize(size));
  }

  /** The bucket Velero writes to: a DNS-1123 label (checked with the build). */
  public Velero bucket(String name) {
    if (Names.labelProblem(name) != null) {
      return new Velero(s.withProblem(new Problem(VeleroSettings.field(SETTING_BUCKET), name, Names.labelProblem(name),
          "write e.g. " + DEFAULT_BUCKET)));
    }
    return new Velero(s.withBucket(name));
  }

  /** etcd snapshots on the masters, with these settings. */
  public Velero etcdSnapshots(EtcdSnapshots snapshots) {
    return new Velero(s.withEtcd(Optional.of(snapshots)));
  }

  /** No etcd snapshots (the seed's behaviour). */
  public Velero withoutEtcdSnapshots() {
    return new Velero(s.withEtcd(Optional.empty()));
  }

  public List<BackupSchedule> schedules() {
    return s.schedules();
  }

  public Optional<EtcdSnapshots> etcdSnapshots() {
    return s.etcd();
  }

  public String exportPath() {
    return s.exportPath();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ComponentKind kind() {
    return ComponentKind.BACKUP;
  }

  @Override
  public List<Problem> validate(ClusterSpec spec) {
    List<Problem> p = new ArrayList<>(s.problems());
    s.etcd().ifPresent(e -> p.addAll(VeleroSettings.etcdProblems(e)));
    nfsHost(spec, p);
    if (s.etcd().isPresent() && spec.masters().isEmpty()) {
      p.add(new Problem("hosts", "0 masters", "etcd snapshots run on the masters, and the spec has none",
          "add a master, or turn etcd snapshots off with " + SETTING_ETCD_SNAPSHOTS + ": false"));
    }
    return p;
  }

  /** The NFS host: the one named, or the inventory's only host with role nfs. */
  public Host nfsHost(ClusterSpec spec) {
    List<Problem> p = new ArrayList<>();
    Host h = nfsHost(spec, p);
    if (h == null) {
      throw new IllegalArgumentException(p.get(0).message());
    }
    return h;
  }

  private Host nfsHost(ClusterSpec spec, List<Problem> p) {
    List<Host> nfs = spec.withRole(Role.NFS);
    if (s.nfsHost() == null) {
      if (nfs.size() == 1) {
        return nfs.get(0);
      }
      p.add(new Problem(VeleroSettings.field(SETTING_NFS_HOST), null, nfs.isEmpty()
          ? "is not set and no host has role nfs" : "is not set and several hosts have role nfs: " + nfs.stream().map(Host::name).toList(),
          "give the backup host role nfs in the inventory, or name it with " + SETTING_NFS_HOST));
      return null;
    }
    Optional<Host> named = spec.host(s.nfsHost());
    if (named.isEmpty()) {
      p.add(new Problem(VeleroSettings.field(SETTING_NFS_HOST), s.nfsHost(), "is not a host of the inventory",
          "name one of " + spec.hosts().stream().map(Host::name).toList()));
      return null;
    }
    if (!named.get().has(Role.NFS)) {
      p.add(new Problem(VeleroSettings.field(SETTING_NFS_HOST), s.nfsHost(), "does not have role nfs",
          "give it role nfs in the inventory (a host outside the cluster: not a master, worker or lb)"));
      return null;
    }
    return named.get();
  }

  @Override
  public void contribute(PlanContext context) {
    ClusterSpec spec = context.spec();
    NfsServer nfs = NfsServer.on(nfsHost(spec), s.exportPath());
    context.add(nfs.step(spec));
    context.add(MinioCredentials.step(nfs.host()));
    String credentials = MinioCredentials.stepId(nfs.host());
    context.add(Step.builder().id(STEP_MINIO).phase(Phase.BACKUP).addAfterPhases(Phase.NODES)
        .addDependsOn(nfs.stepId(), credentials)
        .description("MinIO (" + MinioManifests.IMAGE + ") in namespace " + MinioManifests.NAMESPACE + " on a " + s.minioSize()
            + " NFS PersistentVolume " + nfs.source(NfsServer.MINIO_DIR))
        .addManifests(Manifest.of("minio", MinioManifests.server(nfs, spec.name(), s.minioSize())))
        .addWaitFor(Readiness.of(Readiness.Kind.DEPLOYMENT, MinioManifests.NAMESPACE, MinioManifests.NAME))
        .estimate(Duration.ofSeconds(90)).build());
    context.add(Step.builder().id(STEP_BUCKET).phase(Phase.BACKUP).addDependsOn(STEP_MINIO)
        .description("bucket " + s.bucket() + " on MinIO (a Job running mc mb --ignore-existing)")
        .addManifests(Manifest.of("minio-bucket", MinioManifests.bucketJob(s.bucket())))
        // Velero's BackupStorageLocation is unavailable until the bucket exists: wait for the Job to complete
        .addWaitFor(Readiness.of(Readiness.Kind.JOB, MinioManifests.NAMESPACE, MinioManifests.BUCKET_JOB))
        .estimate(Duration.ofSeconds(30)).build());
    List<String> crdNames = VeleroManifests.CRDS.stream().map(VeleroManifests::crdName).toList();
    var crds = Step.builder().id(STEP_CRDS).phase(Phase.BACKUP).addAfterPhases(Phase.NODES)
        .description("Velero " + VeleroManifests.VERSION + " custom resource definitions")
        .waitFor(crdNames.stream().map(Readiness::crd).toList()).estimate(Duration.ofSeconds(20));
    for (UpstreamFile f : VeleroManifests.CRDS) {
      crds.addManifests(Manifest.of("velero-crd-" + VeleroManifests.crdName(f).replace(".velero.io", ""), context.mirror().fetch(f)));
    }
    context.add(crds.build());
    context.add(Step.builder().id(STEP_VELERO).phase(Phase.BACKUP).addDependsOn(STEP_CRDS, STEP_BUCKET, credentials)
        .description("Velero " + VeleroManifests.VERSION + " server with " + VeleroManifests.AWS_PLUGIN_IMAGE
            + ", node agent (kopia) on every node, BackupStorageLocation " + VeleroManifests.STORAGE_LOCATION + " on "
            + MinioManifests.URL + "/" + s.bucket())
        .addManifests(Manifest.of("velero", VeleroManifests.server()))
        .addManifests(Manifest.of("velero-storage-location",
            KubeYaml.documents(List.of(VeleroManifests.storageLocation(s.bucket())))))
        .addWaitFor(Readiness.of(Readiness.Kind.DEPLOYMENT, VeleroManifests.NAMESPACE, VeleroManifests.SERVER))
        .addWaitFor(Readiness.of(Readiness.Kind.DAEMONSET, VeleroManifests.NAMESPACE, VeleroManifests.NODE_AGENT))
        .estimate(Duration.ofSeconds(120)).build());
    if (!s.schedules().isEmpty()) {
      context.add(Step.builder().id(STEP_SCHEDULES).phase(Phase.BACKUP).addDependsOn(STEP_VELERO)
          .description("Velero schedules " + s.schedules().stream().map(x -> x.name() + " (" + x.cronExpression() + ", ttl "
              + x.ttlText() + ")").toList())
          .addManifests(Manifest.of("velero-schedules", KubeYaml.documents(
              s.schedules().stream().map(VeleroManifests::schedule).toList())))
          .build());
    }
    s.etcd().ifPresent(e -> spec.masters().forEach(m -> context.add(e.step(m, Optional.of(nfs)))));
    context.note("MinIO's root password is generated on " + nfs.host().name() + " (" + MinioCredentials.PASSWORD_FILE
        + ", 0600) and kept in Secret " + MinioManifests.NAMESPACE + "/" + MinioManifests.SECRET
        + "; read it with MinioCredentials.read(client). Pods opt volumes into backups with the annotation "
        + VolumeBackups.ANNOTATION + " (VolumeBackups.backupVolumes).");
  }

  /** Only what was set, so the YAML spec stays short. */
  @Override
  public ComponentSpec describe() {
    return ComponentSpec.of(NAME, s.write());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Velero v && s.equals(v.s);
  }

  @Override
  public int hashCode() {
    return s.hashCode();
  }

  @Override
  public String toString() {
    return NAME + " " + VeleroManifests.VERSION + " " + new LinkedHashMap<>(describe().settings());
  }
}
