package dev.kubesmith.backup.etcd;

import dev.kubesmith.backup.nfs.NfsServer;
import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.ImmutableStep;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Host;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * etcd snapshots on every master, which the seed does not take: a script that runs
 * {@code etcdctl snapshot save} with kubeadm's etcd client certificates against
 * {@code https://127.0.0.1:2379}, checks the file with {@code snapshot status}, keeps the newest
 * {@code keep} locally and copies it to the NFS host's export (mounted on the master), keeping the
 * newest {@code keep} there too; a systemd timer runs it on a calendar. The step takes a first
 * snapshot at once, so a broken setup fails the build instead of the first night.
 *
 * <pre>{@code
 * EtcdSnapshots snapshots = EtcdSnapshots.every("*-*-* 00/6:00:00").keep(14);
 * Step s = snapshots.step(spec.requireHost("master1"), Optional.of(nfs));
 * }</pre>
 */
public final class EtcdSnapshots {
  public static final String SCRIPT = "/usr/local/lib/kubesmith/etcd-snapshot.sh";
  public static final String ENV_FILE = "/etc/kubesmith/etcd-snapshot.env";
  public static final String SERVICE = "/etc/systemd/system/kubesmith-etcd-snapshot.service";
  public static final String TIMER = "/etc/systemd/system/kubesmith-etcd-snapshot.timer";
  public static final String SNAPSHOT_DIR = "/var/lib/kubesmith/etcd-snapshots";
  /** Where the NFS export's etcd directory is mounted on each master; restores read from here. */
  public static final String OFFSITE_DIR = "/var/lib/kubesmith/etcd-offsite";
  public static final String PKI = "/etc/kubernetes/pki/etcd";
  public static final String DEFAULT_CALENDAR = "*-*-* 00/6:00:00";
  public static final int DEFAULT_KEEP = 7;
  /** Where the step of {@link #now} keeps the path the script printed, read back by its capture. */
  public static final String LAST_ON_DEMAND = SNAPSHOT_DIR + "/.last-on-demand";
  /**
   * The name under which the step of {@link #now} captures the snapshot's path; after the step ran,
   * {@code executor.context().fill(Secrets.placeholder(NOW_CAPTURE))} is that path. (The path is no
   * secret, but captures are how a step hands back what it read off its host.)
   */
  public static final String NOW_CAPTURE = "etcd-snapshot-now-path";
  /** What systemd calendar expressions are made of; systemd itself checks the rest on the host. */
  private static final Pattern CALENDAR = Pattern.compile("[A-Za-z0-9*/:,.~ -]{1,100}");

  private final String calendar;
  private final int keep;

  private EtcdSnapshots(String calendar, int keep) {
    this.calendar = calendar;
    this.keep = keep;
  }

  /** Every six hours, keeping the newest {@value #DEFAULT_KEEP}. */
  public static EtcdSnapshots defaults() {
    return new EtcdSnapshots(DEFAULT_CALENDAR, DEFAULT_KEEP);
  }

  /**
   * Snapshots on a systemd calendar, e.g. {@code daily}, {@code hourly}, {@code *-*-* 02:00:00}; text that
   * is no calendar expression is reported by {@code Velero.validate} with every other problem of the build.
   */
  public static EtcdSnapshots every(String calendar) {
    return defaults().calendar(calendar);
  }

  public EtcdSnapshots calendar(String onCalendar) {
    return new EtcdSnapshots(onCalendar == null ? null : onCalendar.trim(), keep);
  }

  /** How many snapshots of each master to keep, locally and on the NFS host: 1 to 1000 (checked with the build). */
  public EtcdSnapshots keep(int newest) {
    return new EtcdSnapshots(calendar, newest);
  }

  /** Whether the calendar is a systemd OnCalendar expression this SDK accepts. */
  public boolean calendarIsValid() {
    return calendar != null && CALENDAR.matcher(calendar).matches();
  }

  public boolean keepIsValid() {
    return keep >= 1 && keep <= 1000;
  }

  public String calendar() {
    return calendar;
  }

  public int keep() {
    return keep;
  }

  public static String stepId(Host master) {
    return "etcd-snapshots@" + master.name();
  }

  public static String nowStepId(Host master) {
    return "etcd-snapshot-now@" + master.name();
  }

  /**
   * A one-off step taking an etcd snapshot on a master now, with the script {@link #step} installed
   * (so the backup step must have run there). It has no check: it always runs. When the script is
   * absent it fails naming the master and the fix. The snapshot's path (the NFS copy when there is
   * one) is captured as {@link #NOW_CAPTURE}.
   *
   * <pre>{@code
   * Plan plan = new PlanBuilder().add(EtcdSnapshots.now(spec.requireHost("master1"))).build(spec);
   * }</pre>
   */
  public static Step now(Host master) {
    String missing = "the etcd snapshot script is not installed on " + master.name()
        + ": apply with --backup velero first";
    return Step.builder().id(nowStepId(master)).phase(Phase.BACKUP).host(master.name())
        .description("an etcd snapshot on " + master.name() + " now (" + SCRIPT + ")")
        .addCommands("if [ ! -x " + SCRIPT + " ]; then echo '" + missing + "' >&2; exit 1; fi")
        .addCommands("install -d -m 0700 " + SNAPSHOT_DIR + " && " + SCRIPT + " > " + LAST_ON_DEMAND)
        .putCaptures(NOW_CAPTURE, "tail -n 1 " + LAST_ON_DEMAND)
        .estimate(Duration.ofSeconds(30))
        .build();
  }

  /** The settings file the script reads. */
  public String envFile(Optional<NfsServer> nfs) {
    return "# Written by kubesmith: settings of " + SCRIPT + "\n"
        + "SNAPSHOT_DIR=" + SNAPSHOT_DIR + "\n"
        + "OFFSITE_DIR=" + OFFSITE_DIR + "\n"
        + "NFS_SOURCE=" + nfs.map(n -> n.source(NfsServer.ETCD_DIR)).orElse("") + "\n"
        + "KEEP=" + keep + "\n"
        + "ENDPOINT=https://127.0.0.1:2379\n"
        + "CACERT=" + PKI + "/ca.crt\n"
        + "CERT=" + PKI + "/healthcheck-client.crt\n"
        + "KEY=" + PKI + "/healthcheck-client.key\n";
  }

  public static String script() {
    return Scripts.read("etcd-snapshot.sh");
  }

  static String service() {
    return """
        [Unit]
        Description=kubesmith: etcd snapshot, kept here and on the NFS host
        Wants=network-online.target
        After=network-online.target

        [Service]
        Type=oneshot
        ExecStart=%s
        """.formatted(SCRIPT);
  }

  String timer() {
    return """
        [Unit]
        Description=kubesmith: etcd snapshots on %s

        [Timer]
        OnCalendar=%s
        RandomizedDelaySec=300
        Persistent=true

        [Install]
        WantedBy=timers.target
        """.formatted(calendar, calendar);
  }

  /** The step on a master: client tools, script, settings, timer enabled, and one snapshot now. */
  public Step step(Host master, Optional<NfsServer> nfs) {
    List<String> commands = new ArrayList<>();
    commands.add(dev.kubesmith.bundle.OfflineInstall.USE_BUNDLE + "if ! command -v etcdctl >/dev/null 2>&1" + (nfs.isPresent() ? " || ! command -v mount.nfs4 >/dev/null 2>&1" : "")
        + "; then if command -v apt-get >/dev/null 2>&1; then apt-get -o DPkg::Lock::Timeout=300 -q update"
        + " && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -y -q install etcd-client"
        + (nfs.isPresent() ? " nfs-common" : "") + "; else dnf install -y -q etcd" + (nfs.isPresent() ? " nfs-utils" : "")
        + "; fi; fi");
    commands.add("install -d -m 0700 " + SNAPSHOT_DIR);
    commands.add("systemctl daemon-reload");
    commands.add("systemctl enable --now kubesmith-etcd-snapshot.timer");
    commands.add(SCRIPT);
    ImmutableStep.Builder b = Step.builder().id(stepId(master)).phase(Phase.BACKUP).host(master.name())
        .addAfterPhases(Phase.CONTROL_PLANE, Phase.JOIN_MASTERS)
        .description("etcd snapshots on " + master.name() + " (" + calendar + ", newest " + keep + " kept"
            + nfs.map(n -> ", copied to " + n.source(NfsServer.ETCD_DIR)).orElse(", on the master only") + ")")
        .addFiles(FileArtifact.of(ENV_FILE, envFile(nfs), 0600))
        .addFiles(FileArtifact.of(SCRIPT, script(), 0755))
        .addFiles(FileArtifact.of(SERVICE, service()))
        .addFiles(FileArtifact.of(TIMER, timer()))
        .commands(commands)
        .addPackages("etcd-client")
        .addAllPackages(nfs.isPresent() ? List.of("nfs-common") : List.of())
        .estimate(Duration.ofSeconds(30));
    nfs.ifPresent(n -> b.addDependsOn(n.stepId()));
    return b.build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EtcdSnapshots e && java.util.Objects.equals(calendar, e.calendar) && keep == e.keep;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hashCode(calendar) * 31 + keep;
  }

  @Override
  public String toString() {
    return "EtcdSnapshots{" + calendar + ", keep " + keep + "}";
  }
}
