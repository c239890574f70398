package dev.kubesmith.addons.storage;

import dev.kubesmith.addons.internal.AddonSettings;
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
import dev.kubesmith.spec.Topology;
import dev.kubesmith.upstream.UpstreamFile;
import dev.kubesmith.upstream.UpstreamMirror;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Persistent storage with rook-ceph v1.20.6: the upstream CRDs, then the operator, then a CephCluster,
 * the replicated block pool {@code replicapool} and the default StorageClass {@code rook-ceph-block},
 * all as cluster steps in phase {@link Phase#STORAGE} after the nodes are up. Three mons (one per
 * node), two mgrs and three replicas in HA clusters; one of each on a single master.
 *
 * <p>Rook v1.20 runs its CSI drivers through the ceph-csi-operator: upstream's {@code operator.yaml}
 * holds {@value RookCephManifests#CSI_GROUP} resources (an OperatorConfig and the RBD and CephFS
 * Drivers) whose CRDs come with a separate bundle, {@code deploy/examples/csi-operator.yaml}
 * ({@link #CSI_OPERATOR}, pinned by checksum like the other files), not with {@code crds.yaml}.
 * kubesmith applies {@code operator.yaml} without them, then that bundle ({@value #STEP_CSI_OPERATOR}:
 * its CRDs Established, its Deployment ready), then those resources ({@value #STEP_CSI_DRIVERS}),
 * before the CephCluster: without the drivers the default StorageClass never provisions a volume.
 * {@link #withoutCsiDrivers()} leaves the bundle and the drivers out (a plan note says so), e.g. when
 * the cluster runs ceph-csi of its own; {@link #csiOperator(String)} takes another reviewed bundle.
 *
 * <pre>{@code
 * Component storage = RookCeph.defaults().devices("sdb", "sdc");   // or .useAllDevices()
 * storage.contribute(new PlanContext(spec, UpstreamMirror.at("/srv/mirror"), planBuilder));
 * }</pre>
 */
public final class RookCeph implements Component {
  /** The component's name in the YAML spec. */
  public static final String NAME = "rook-ceph";
  public static final String VERSION = "v1.20.6";
  public static final String DEFAULT_DATA_DIR_HOST_PATH = "/var/lib/rook";
  public static final String SETTING_DATA_DIR = "dataDirHostPath";
  public static final String SETTING_DEVICES = "devices";
  public static final String SETTING_USE_ALL_DEVICES = "useAllDevices";
  /** Another SHA-256 for rook's {@code deploy/examples/csi-operator.yaml}, see {@link #csiOperator(String)}. */
  public static final String SETTING_CSI_OPERATOR_SHA256 = "csiOperatorSha256";
  /** {@code false} leaves the CSI drivers out, see {@link #withoutCsiDrivers()}. */
  public static final String SETTING_CSI_DRIVERS = "csiDrivers";
  /** The ceph-csi-operator bundle's file in upstream's {@code deploy/examples} and in the mirror's {@code rook-ceph/}. */
  public static final String CSI_OPERATOR_FILE = "csi-operator.yaml";

  public static final UpstreamFile CRDS = upstream("crds.yaml",
      "7fa7462d44b35d636703a03a88120030692a06a05ac91ec253200cb4ae8c37cf");
  public static final UpstreamFile COMMON = upstream("common.yaml",
      "2d59b3093446dcf7dd69c73ebaef2d41e8cdfd14af564c2e885d49ab8d190457");
  public static final UpstreamFile OPERATOR = upstream("operator.yaml",
      "c69bb7309b6dfc34a1eeab658a1f9c825c7d156fb26dc1a6a824f6a9735761a4");
  public static final UpstreamFile CLUSTER = upstream("cluster.yaml",
      "e4c2e916115fe7e8a99f6bc56e43eb79342db0ca2b5ad30f293f6469aa8778d9");
  /** The ceph-csi-operator bundle: the CRDs and the operator the csi.ceph.io resources of operator.yaml need. */
  public static final UpstreamFile CSI_OPERATOR = upstream(CSI_OPERATOR_FILE,
      "de0bf9160c8370220353d7140a4b60ee6d4b8eda5e260f395fd00cbdc1059ffb");
  public static final UpstreamFile RBD_STORAGE_CLASS = upstream("csi/rbd/storageclass.yaml",
      "cd633d17b1e109a542fc0399694bef2f7cb08b5a2e6d644a1c77abca92e570de");

  public static final String STEP_CRDS = "rook-ceph-crds";
  public static final String STEP_OPERATOR = "rook-ceph-operator";
  public static final String STEP_CLUSTER = "rook-ceph-cluster";
  public static final String STEP_CSI_OPERATOR = "rook-ceph-csi-operator";
  public static final String STEP_CSI_DRIVERS = "rook-ceph-csi-drivers";

  /** A kernel block device name as lsblk shows it: sdb, vdc, nvme0n1, xvdb; no /dev/ prefix. */
  private static final Pattern DEVICE_NAME = Pattern.compile("[a-z][a-z0-9]{1,31}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Set<String> SETTINGS = Set.of(SETTING_DATA_DIR, SETTING_DEVICES, SETTING_USE_ALL_DEVICES,
      SETTING_CSI_OPERATOR_SHA256, SETTING_CSI_DRIVERS);
  private static final RookCeph DEFAULTS = new RookCeph(null, List.of(), null, null, null, List.of());

  /** Null until set: the default is resolved when the plan is made. */
  private final String dataDirHostPath;
  private final List<String> devices;
  /** Null until set: all devices are used when no device is named. */
  private final Boolean useAllDevices;
  /** Null unless the caller gave another checksum for the ceph-csi-operator bundle than the pinned one. */
  private final String csiOperatorSha256;
  /** Null until set: the CSI drivers are installed unless turned off. */
  private final Boolean csiDrivers;
  /** Settings from the YAML spec that could not be read, reported by {@link #validate(ClusterSpec)}. */
  private final List<Problem> settingProblems;

  private RookCeph(String dataDirHostPath, List<String> devices, Boolean useAllDevices, String csiOperatorSha256,
      Boolean csiDrivers, List<Problem> settingProblems) {
    this.dataDirHostPath = dataDirHostPath;
    this.devices = List.copyOf(devices);
    this.useAllDevices = useAllDevices;
    this.csiOperatorSha256 = csiOperatorSha256;
    this.csiDrivers = csiDrivers;
    this.settingProblems = List.copyOf(settingProblems);
  }

  /**
   * OSDs on every empty device of every node, data under {@value #DEFAULT_DATA_DIR_HOST_PATH}, CSI
   * drivers from the pinned ceph-csi-operator bundle.
   */
  public static RookCeph defaults() {
    return DEFAULTS;
  }

  /** RookCeph from its YAML form; settings it cannot read are reported by {@link #validate(ClusterSpec)}. */
  public static RookCeph of(ComponentSpec spec) {
    Map<String, String> s = spec.settings();
    List<Problem> problems = new ArrayList<>();
    AddonSettings.rejectUnknown(NAME, s, SETTINGS, problems);
    Boolean all = bool(s, SETTING_USE_ALL_DEVICES, problems);
    Boolean csiDrivers = bool(s, SETTING_CSI_DRIVERS, problems);
    String devicesText = s.get(SETTING_DEVICES);
    List<String> devices = devicesText == null || devicesText.isBlank() ? List.of()
        : Arrays.stream(devicesText.split(",")).map(String::trim).toList();
    String csi = normalisedSha256(s.get(SETTING_CSI_OPERATOR_SHA256));
    if (s.containsKey(SETTING_CSI_OPERATOR_SHA256) && csi == null) {
      problems.add(new Problem(field(SETTING_CSI_OPERATOR_SHA256), s.get(SETTING_CSI_OPERATOR_SHA256), "is not a SHA-256",
          "write the 64 hex digits sha256sum prints for " + CSI_OPERATOR_FILE + " of rook " + VERSION));
    }
    return new RookCeph(s.get(SETTING_DATA_DIR), devices, all, csi, csiDrivers, problems);
  }

  private static Boolean bool(Map<String, String> settings, String setting, List<Problem> problems) {
    String text = settings.get(setting);
    if (text == null || text.equals("true") || text.equals("false")) {
      return text == null ? null : Boolean.valueOf(text);
    }
    problems.add(new Problem(field(setting), text, "is not a boolean", "write true or false"));
    return null;
  }

  /** Where mons and OSDs keep their data on each host: an absolute path (checked by {@link #validate(ClusterSpec)}). */
  public RookCeph dataDirHostPath(String path) {
    if (path == null) {
      return withProblem(Problem.missing(field(SETTING_DATA_DIR), "write an absolute path such as " + DEFAULT_DATA_DIR_HOST_PATH));
    }
    return new RookCeph(path, devices, useAllDevices, csiOperatorSha256, csiDrivers, settingProblems);
  }

  /**
   * OSDs on these devices of every node, named as lsblk shows them, e.g. {@code sdb}; a name that is
   * not a device name (such as {@code /dev/sdb}) is reported by {@link #validate(ClusterSpec)}.
   */
  public RookCeph devices(String... names) {
    if (names == null || Arrays.asList(names).contains(null)) {
      return withProblem(Problem.missing(field(SETTING_DEVICES), "name devices as lsblk shows them, e.g. devices(\"sdb\")"));
    }
    return new RookCeph(dataDirHostPath, List.of(names), useAllDevices, csiOperatorSha256, csiDrivers, settingProblems);
  }

  /** OSDs on every empty device of every node (the default when no device is named). */
  public RookCeph useAllDevices() {
    return new RookCeph(dataDirHostPath, devices, true, csiOperatorSha256, csiDrivers, settingProblems);
  }

  /**
   * Takes another ceph-csi-operator bundle than the pinned {@link #CSI_OPERATOR}: the mirror's
   * {@code rook-ceph/csi-operator.yaml} checked against this SHA-256 instead, e.g. a bundle you
   * patched and reviewed ({@code sha256sum csi-operator.yaml}). Anything but 64 hex digits is
   * reported by {@link #validate(ClusterSpec)}.
   */
  public RookCeph csiOperator(String sha256) {
    String normalised = normalisedSha256(sha256);
    if (normalised == null) {
      return withProblem(new Problem(field(SETTING_CSI_OPERATOR_SHA256), sha256, "is not a SHA-256",
          "write the 64 hex digits sha256sum prints for " + CSI_OPERATOR_FILE + " of rook " + VERSION));
    }
    return new RookCeph(dataDirHostPath, devices, useAllDevices, normalised, csiDrivers, settingProblems);
  }

  private RookCeph withProblem(Problem problem) {
    List<Problem> p = new ArrayList<>(settingProblems);
    p.add(problem);
    return new RookCeph(dataDirHostPath, devices, useAllDevices, csiOperatorSha256, csiDrivers, p);
  }

  /**
   * Leaves the ceph-csi-operator bundle and the CSI drivers out, e.g. for a cluster whose ceph-csi
   * is installed otherwise; the plan says in a note that {@code rook-ceph-block} volumes do not
   * provision until they are installed.
   */
  public RookCeph withoutCsiDrivers() {
    return new RookCeph(dataDirHostPath, devices, useAllDevices, csiOperatorSha256, false, settingProblems);
  }

  /** Whether the plan installs the ceph-csi-operator bundle and the CSI drivers (the default). */
  public boolean installsCsiDrivers() {
    return !Boolean.FALSE.equals(csiDrivers);
  }

  /**
   * The ceph-csi-operator bundle the plan applies: {@link #CSI_OPERATOR}, or the same file with the
   * checksum given to {@link #csiOperator(String)}; empty after {@link #withoutCsiDrivers()}.
   */
  public Optional<UpstreamFile> csiOperatorBundle() {
    if (!installsCsiDrivers()) {
      return Optional.empty();
    }
    return Optional.of(csiOperatorSha256 == null ? CSI_OPERATOR : upstream(CSI_OPERATOR_FILE, csiOperatorSha256));
  }

  public String dataDirHostPath() {
    return dataDirHostPath == null ? DEFAULT_DATA_DIR_HOST_PATH : dataDirHostPath;
  }

  public List<String> devices() {
    return devices;
  }

  /** Whether OSDs use all devices: asked for, or no device named. */
  public boolean usesAllDevices() {
    return useAllDevices == null ? devices.isEmpty() : useAllDevices;
  }

  /** Ceph monitors: three for HA, so losing one keeps quorum; one on a single master. */
  public static int monCount(ClusterSpec spec) {
    return spec.topology() == Topology.HA ? 3 : 1;
  }

  /** Ceph managers: an active and a standby for HA. */
  public static int mgrCount(ClusterSpec spec) {
    return spec.topology() == Topology.HA ? 2 : 1;
  }

  /** Replicas of each block in {@code replicapool}, one per host. */
  public static int replicas(ClusterSpec spec) {
    return spec.topology() == Topology.HA ? 3 : 1;
  }

  /** Nodes that run pods, and so Ceph daemons: workers, or the masters when there are none (then untainted). */
  public static List<Host> storageNodes(ClusterSpec spec) {
    return spec.workers().isEmpty() ? spec.masters() : spec.workers();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ComponentKind kind() {
    return ComponentKind.ADDON;
  }

  @Override
  public List<Problem> validate(ClusterSpec spec) {
    List<Problem> p = new ArrayList<>(settingProblems);
    int mons = monCount(spec);
    int nodes = storageNodes(spec).size();
    if (nodes < mons) {
      p.add(new Problem("hosts", String.valueOf(nodes), "rook-ceph runs " + mons + " mons, at most one per node, and "
          + replicas(spec) + " replicas on distinct hosts, but only " + nodes + " node(s) run pods",
          "add workers until there are at least " + mons));
    }
    if (Boolean.TRUE.equals(useAllDevices) && !devices.isEmpty()) {
      p.add(new Problem(field(SETTING_DEVICES), String.join(",", devices), "is set together with useAllDevices",
          "either name devices or use all devices, not both"));
    }
    for (String d : devices) {
      String why = deviceProblem(d);
      if (why != null) {
        p.add(new Problem(field(SETTING_DEVICES), d, why, deviceFix(d)));
      }
    }
    if (csiOperatorSha256 != null && !installsCsiDrivers()) {
      p.add(new Problem(field(SETTING_CSI_OPERATOR_SHA256), csiOperatorSha256, "is set while the CSI drivers are left out",
          "drop " + SETTING_CSI_OPERATOR_SHA256 + " or " + SETTING_CSI_DRIVERS + ": false"));
    }
    if (dataDirHostPath != null && dataDirProblem(dataDirHostPath) != null) {
      p.add(new Problem(field(SETTING_DATA_DIR), dataDirHostPath, dataDirProblem(dataDirHostPath),
          "write an absolute path such as " + DEFAULT_DATA_DIR_HOST_PATH));
    }
    return p;
  }

  @Override
  public void contribute(PlanContext context) {
    ClusterSpec spec = context.spec();
    UpstreamMirror mirror = context.mirror();
    String crds = mirror.fetch(CRDS);
    context.add(Step.builder()
        .id(STEP_CRDS).phase(Phase.STORAGE).addAfterPhases(Phase.NODES)
        .description("rook-ceph " + VERSION + " custom resource definitions")
        .addManifests(Manifest.of(STEP_CRDS, crds))
        .waitFor(RookCephManifests.crdNames(crds).stream().map(Readiness::crd).toList())
        .estimate(Duration.ofSeconds(20))
        .build());
    String operator = mirror.fetch(OPERATOR);
    context.add(Step.builder()
        .id(STEP_OPERATOR).phase(Phase.STORAGE).addAfterPhases(Phase.NODES).addDependsOn(STEP_CRDS)
        .description("rook-ceph " + VERSION + " operator in namespace " + RookCephManifests.NAMESPACE)
        .addManifests(Manifest.of("rook-ceph-common", mirror.fetch(COMMON)))
        .addManifests(Manifest.of("rook-ceph-operator", RookCephManifests.operatorWithoutCsiResources(operator)))
        .addWaitFor(Readiness.of(Readiness.Kind.DEPLOYMENT, RookCephManifests.NAMESPACE, "rook-ceph-operator"))
        .estimate(Duration.ofSeconds(120))
        .build());
    boolean csiDrivers = CephCsiOperator.contribute(context, csiOperatorBundle(), operator);
    String image = RookCephManifests.cephImage(mirror.fetch(CLUSTER));
    Map<String, Object> cluster = RookCephManifests.cephCluster(image, dataDirHostPath(), monCount(spec),
        mgrCount(spec), usesAllDevices(), devices);
    Map<String, Object> pool = RookCephManifests.blockPool(replicas(spec));
    Map<String, Object> storageClass = RookCephManifests.asMap(RookCephManifests.storageClass(mirror.fetch(RBD_STORAGE_CLASS)));
    context.add(Step.builder()
        .id(STEP_CLUSTER).phase(Phase.STORAGE).addAfterPhases(Phase.NODES).addDependsOn(STEP_OPERATOR)
        .addAllDependsOn(csiDrivers ? List.of(STEP_CSI_DRIVERS) : List.of())
        .description("CephCluster with " + monCount(spec) + " mon(s) and OSDs on " + osdDescription()
            + ", block pool " + RookCephManifests.POOL_NAME + " with " + replicas(spec) + " replica(s), default StorageClass "
            + RookCephManifests.STORAGE_CLASS_NAME)
        .addManifests(Manifest.of("rook-ceph-cluster", RookCephManifests.toYaml(List.of(cluster))))
        .addManifests(Manifest.of("rook-ceph-blockpool", RookCephManifests.toYaml(List.of(pool))))
        .addManifests(Manifest.of("rook-ceph-storageclass", RookCephManifests.toYaml(List.of(storageClass))))
        .estimate(Duration.ofMinutes(5))
        .build());
  }

  /** Only what was set, so the YAML spec stays short and defaults can move with the SDK. */
  @Override
  public ComponentSpec describe() {
    Map<String, String> s = new LinkedHashMap<>();
    if (dataDirHostPath != null) {
      s.put(SETTING_DATA_DIR, dataDirHostPath);
    }
    if (!devices.isEmpty()) {
      s.put(SETTING_DEVICES, String.join(",", devices));
    }
    if (useAllDevices != null) {
      s.put(SETTING_USE_ALL_DEVICES, useAllDevices.toString());
    }
    if (csiOperatorSha256 != null) {
      s.put(SETTING_CSI_OPERATOR_SHA256, csiOperatorSha256);
    }
    if (csiDrivers != null) {
      s.put(SETTING_CSI_DRIVERS, csiDrivers.toString());
    }
    return ComponentSpec.of(NAME, s);
  }

  private String osdDescription() {
    return usesAllDevices() ? "all empty devices" : "devices " + String.join(", ", devices);
  }

  private static UpstreamFile upstream(String file, String sha256) {
    return new UpstreamFile("rook-ceph", VERSION, "rook-ceph/" + file, upstreamUrl(file), sha256);
  }

  static String upstreamUrl(String file) {
    return "https://raw.githubusercontent.com/rook/rook/" + VERSION + "/deploy/examples/" + file;
  }

  /** Lower case, as UpstreamFile wants it; null unless 64 hex digits. */
  private static String normalisedSha256(String text) {
    String sha = text == null ? null : text.trim().toLowerCase(Locale.ROOT);
    return sha != null && SHA256.matcher(sha).matches() ? sha : null;
  }

  private static String field(String setting) {
    return AddonSettings.field(NAME, setting);
  }

  private static String deviceProblem(String name) {
    return name != null && DEVICE_NAME.matcher(name).matches() ? null : "is not a block device name";
  }

  private static String deviceFix(String name) {
    return name != null && name.startsWith("/dev/") && name.lastIndexOf('/') == 4
        ? "write it without /dev/, e.g. " + name.substring(5)
        : "write the name lsblk shows, e.g. sdb or nvme0n1";
  }

  private static String dataDirProblem(String path) {
    return path != null && path.startsWith("/") && !path.equals("/") && !path.contains("..") ? null
        : "is not an absolute directory path";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RookCeph r && Objects.equals(dataDirHostPath, r.dataDirHostPath) && devices.equals(r.devices)
        && Objects.equals(useAllDevices, r.useAllDevices) && Objects.equals(csiOperatorSha256, r.csiOperatorSha256)
        && Objects.equals(csiDrivers, r.csiDrivers) && settingProblems.equals(r.settingProblems);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dataDirHostPath, devices, useAllDevices, csiOperatorSha256, csiDrivers, settingProblems);
  }

  @Override
  public String toString() {
    return NAME + " " + VERSION + " " + describe().settings();
  }
}
