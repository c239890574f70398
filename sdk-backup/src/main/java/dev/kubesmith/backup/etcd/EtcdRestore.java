package dev.kubesmith.backup.etcd;

import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.PlanBuilder;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Restores etcd from one snapshot on every master, kubeadm's documented procedure as steps: first
 * the preconditions on every master (the snapshot is there and passes {@code snapshot status}, the
 * master answers over SSH, the new data dir is absent, a stacked etcd manifest exists), and only when
 * all pass: the API server and etcd stopped on every master by moving their static-pod manifests out
 * of {@code /etc/kubernetes/manifests}; every member restored from the same snapshot into a new data
 * dir with its name, the initial cluster and its peer URL; the etcd manifest pointed at the new dir and
 * both manifests put back, etcd healthy before the API server returns.
 *
 * <p>Snapshots are read and restored only with a tool of the cluster's own etcd major.minor, read on
 * each master from the image of its etcd manifest ({@code registry.k8s.io/etcd:3.6.4-0} for kubeadm
 * 1.34): {@code etcdutl} for 3.5+ (3.6 removed {@code snapshot restore}/{@code status} from etcdctl),
 * {@code etcdctl} for 3.4; the host's binary when its {@code version} matches, else the one in the
 * cluster's etcd image, which containerd already holds in namespace {@code k8s.io}, through
 * {@code ctr -n k8s.io run --rm} with only the snapshot (read-only) and a staging dir mounted. A
 * snapshot newer than the cluster's etcd, an image line without a version, or no matching tool fails
 * the check step of that master, before anything is stopped anywhere.
 *
 * <pre>{@code
 * Plan restore = EtcdRestore.from("/var/lib/kubesmith/etcd-offsite/etcd-master1-20261126T020000Z.db").plan(spec);
 * BuildExecutor.builder().runner(runner).build().execute(restore, Journal.inMemory());
 * }</pre>
 */
public final class EtcdRestore {
  public static final String SCRIPT = "/usr/local/lib/kubesmith/etcd-restore.sh";
  public static final int PEER_PORT = 2380;

  private final String snapshot;
  private final String dataDir;

  private EtcdRestore(String snapshot, String dataDir) {
    this.snapshot = snapshot;
    this.dataDir = dataDir;
  }

  /**
   * A restore of the snapshot at this path on the masters (the NFS export is mounted at
   * {@value EtcdSnapshots#OFFSITE_DIR} on each), into {@code /var/lib/etcd-restored-<snapshot name>}.
   *
   * @throws IllegalArgumentException unless an absolute path of a {@code .db} file
   */
  public static EtcdRestore from(String snapshotPath) {
    if (snapshotPath == null || !snapshotPath.matches("/[A-Za-z0-9._/-]+\\.db") || snapshotPath.contains("..")) {
      throw new IllegalArgumentException("etcd snapshot '" + snapshotPath + "' must be an absolute path of a .db file"
          + " (letters, digits, '.', '_', '-'), e.g. " + EtcdSnapshots.OFFSITE_DIR + "/etcd-master1-20261126T020000Z.db");
    }
    String base = snapshotPath.substring(snapshotPath.lastIndexOf('/') + 1, snapshotPath.length() - 3);
    return new EtcdRestore(snapshotPath, "/var/lib/etcd-restored-" + base);
  }

  /**
   * Restores into another data dir.
   *
   * @throws IllegalArgumentException unless an absolute path
   */
  public EtcdRestore dataDir(String path) {
    if (path == null || !path.matches("/[A-Za-z0-9._/-]+") || path.contains("..") || path.equals("/var/lib/etcd")) {
      throw new IllegalArgumentException("etcd restore data dir '" + path + "' must be a new absolute path (not the live "
          + "/var/lib/etcd), e.g. /var/lib/etcd-restored");
    }
    return new EtcdRestore(snapshot, path);
  }

  public String snapshot() {
    return snapshot;
  }

  public String dataDir() {
    return dataDir;
  }

  /** {@code master1=https://<ip>:2380,...}: kubeadm names members after their node and advertises the private IP. */
  public static String initialCluster(ClusterSpec spec) {
    return spec.masters().stream().map(m -> m.name() + "=" + peerUrl(m)).collect(Collectors.joining(","));
  }

  static String peerUrl(Host master) {
    return "https://" + master.privateIp() + ":" + PEER_PORT;
  }

  /** A fresh cluster token, so restored members never mistake old peers for their own cluster. */
  String token() {
    return "kubesmith-restore-" + dataDir.substring(dataDir.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9-]", "-");
  }

  /**
   * The steps, in four waves over the masters: check, stop, restore, start.
   *
   * @throws IllegalArgumentException when the spec has no master
   */
  public List<Step> steps(ClusterSpec spec) {
    List<Host> masters = spec.masters();
    if (masters.isEmpty()) {
      throw new IllegalArgumentException("the spec has no master; an etcd restore runs on the masters");
    }
    List<Step> steps = new ArrayList<>();
    List<String> checks = wave(masters, "check");
    List<String> stops = wave(masters, "stop");
    List<String> restores = wave(masters, "data");
    for (Host m : masters) {
      steps.add(step(m, "check", List.of(), "preconditions: a tool of the cluster's etcd version, " + snapshot + " passes its snapshot status, " + dataDir + " absent",
          "check " + snapshot + " " + dataDir, true));
    }
    for (Host m : masters) {
      steps.add(step(m, "stop", checks, "stop the API server and etcd (static-pod manifests moved aside)", "stop", false));
    }
    for (Host m : masters) {
      steps.add(step(m, "data", stops, "restore member " + m.name() + " from " + snapshot + " into " + dataDir,
          "restore " + snapshot + " " + dataDir + " " + m.name() + " " + initialCluster(spec) + " " + peerUrl(m) + " " + token(),
          false));
    }
    for (Host m : masters) {
      steps.add(step(m, "start", restores, "etcd on " + dataDir + ", then the API server, back", "start " + dataDir, false));
    }
    return steps;
  }

  /** The steps as a plan of their own (a restore is not part of a build). */
  public Plan plan(ClusterSpec spec) {
    PlanBuilder b = new PlanBuilder();
    steps(spec).forEach(b::add);
    b.note("etcd restore of " + snapshot + " into " + dataDir + " on " + spec.masters().stream().map(Host::name).toList()
        + "; the old data dir stays where it was until you remove it");
    return b.build(spec);
  }

  static String id(String wave, Host master) {
    return "etcd-restore-" + wave + "@" + master.name();
  }

  private static List<String> wave(List<Host> masters, String wave) {
    return masters.stream().map(m -> id(wave, m)).toList();
  }

  private Step step(Host m, String wave, List<String> after, String description, String args, boolean uploadScript) {
    var b = Step.builder().id(id(wave, m)).phase(Phase.BACKUP).host(m.name()).description(description)
        .dependsOn(after).addCommands(SCRIPT + " " + args).estimate(Duration.ofSeconds(wave.equals("check") ? 5 : 60));
    if (uploadScript) {
      b.addFiles(FileArtifact.of(SCRIPT, Scripts.read("etcd-restore.sh"), 0755));
    }
    return b.build();
  }

  @Override
  public String toString() {
    return "EtcdRestore{" + snapshot + " -> " + dataDir + "}";
  }
}
