package dev.kubesmith.backup.nfs;

import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The NFS host outside the cluster that keeps the backups: an NFSv4 server exporting one directory to
 * the cluster's private networks only, and iptables rules that admit NFS from those networks and drop
 * it from everywhere else. The export holds {@value #MINIO_DIR}/ (MinIO's data, owned by MinIO's
 * user {@value #MINIO_UID}) and {@value #ETCD_DIR}/ (etcd snapshots the masters copy there).
 *
 * <p>Options: {@code rw,sync,no_subtree_check,root_squash,sec=sys}. {@code sync} so a snapshot or an
 * object MinIO acknowledged is on disk; {@code root_squash} so root on a node is nobody here: MinIO
 * runs as {@value #MINIO_UID}, and the masters' root writes etcd snapshots as nobody into a directory
 * owned by nobody. Only NFSv4 is served (no rpcbind or mountd), so TCP 2049 is the one port to open.
 *
 * <pre>{@code
 * NfsServer nfs = NfsServer.on(spec.requireHost("nfs1"), "/srv/backup");
 * Step step = nfs.step(spec);   // hosts/nfs1/etc/exports.d/kubesmith.exports, firewall, nfs-server enabled
 * }</pre>
 */
public final class NfsServer {
  public static final String EXPORTS_FILE = "/etc/exports.d/kubesmith.exports";
  public static final String NFS_CONF_FILE = "/etc/nfs.conf.d/kubesmith.conf";
  public static final String FIREWALL_RULES = "/etc/kubesmith/nfs-firewall.rules";
  public static final String FIREWALL_SCRIPT = "/usr/local/lib/kubesmith/nfs-firewall.sh";
  public static final String FIREWALL_UNIT = "/etc/systemd/system/kubesmith-nfs-firewall.service";
  /** The iptables chain kubesmith owns on the NFS host; only it is flushed and refilled. */
  public static final String CHAIN = "KUBESMITH-NFS";
  public static final String EXPORT_OPTIONS = "rw,sync,no_subtree_check,root_squash,sec=sys";
  public static final int NFS_PORT = 2049;
  public static final String MINIO_DIR = "minio";
  public static final String ETCD_DIR = "etcd";
  /** MinIO runs as this user and group, so it owns its data on the squashing export. */
  public static final int MINIO_UID = 1000;
  /** nobody/nogroup: what root on a client becomes under root_squash. */
  public static final int NOBODY = 65534;

  private final Host host;
  private final String exportPath;

  private NfsServer(Host host, String exportPath) {
    this.host = host;
    this.exportPath = exportPath;
  }

  public static NfsServer on(Host host, String exportPath) {
    return new NfsServer(host, exportPath);
  }

  public Host host() {
    return host;
  }

  public String exportPath() {
    return exportPath;
  }

  /** The step id on the NFS host, {@code nfs-server@<host>}. */
  public String stepId() {
    return "nfs-server@" + host.name();
  }

  /** {@code <export> <net>(options) ...}: one line, one client entry per private network of the cluster. */
  public String exportsFile(ClusterSpec spec) {
    return "# Written by kubesmith for the backups of cluster " + spec.name() + "; changes are overwritten.\n"
        + exportPath + " " + spec.network().hostNetworks().stream().map(n -> n + "(" + EXPORT_OPTIONS + ")")
            .collect(Collectors.joining(" ")) + "\n";
  }

  /** NFSv4 only: no rpcbind or mountd, so TCP 2049 is the only port a client needs. */
  public static String nfsConf() {
    return "# Written by kubesmith: NFSv4 over TCP only.\n[nfsd]\nvers3=n\nudp=n\ntcp=y\n";
  }

  /** The rules of {@value #CHAIN} in iptables-restore format (applied with --noflush). */
  public String firewallRules(ClusterSpec spec) {
    StringBuilder b = new StringBuilder("# Written by kubesmith for ").append(host.name())
        .append(": NFS from the cluster's private networks only. Applied by ").append(FIREWALL_SCRIPT).append(".\n")
        .append("*filter\n:").append(CHAIN).append(" - [0:0]\n");
    for (String net : spec.network().hostNetworks()) {
      b.append("-A ").append(CHAIN).append(" -p tcp -s ").append(net).append(" --dport ").append(NFS_PORT)
          .append(" -m comment --comment \"nfs from the cluster\" -j ACCEPT\n");
    }
    for (String proto : List.of("tcp", "udp")) {
      b.append("-A ").append(CHAIN).append(" -p ").append(proto).append(" -m multiport --dports 111,").append(NFS_PORT)
          .append(",20048 -m comment --comment \"nfs, rpcbind, mountd from anywhere else\" -j DROP\n");
    }
    return b.append("COMMIT\n").toString();
  }

  /** Loads the rules into {@value #CHAIN} and jumps there first from INPUT; safe to run again. */
  public static String firewallScript() {
    return """
        #!/bin/sh
        # Written by kubesmith: refills only the %1$s chain from %2$s and jumps to it from INPUT once.
        set -eu
        iptables -w 30 -N %1$s 2>/dev/null || true
        iptables-restore -w 30 --noflush < %2$s
        iptables -w 30 -C INPUT -j %1$s 2>/dev/null || iptables -w 30 -I INPUT 1 -j %1$s
        """.formatted(CHAIN, FIREWALL_RULES);
  }

  static String firewallUnit() {
    return """
        [Unit]
        Description=kubesmith: NFS from the cluster's private networks only
        After=network-pre.target netfilter-persistent.service iptables.service
        Before=nfs-server.service

        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=%s

        [Install]
        WantedBy=multi-user.target
        """.formatted(FIREWALL_SCRIPT);
  }

  /** The commands that install the server, make the directories, export and open the firewall. */
  public List<String> commands() {
    String minio = exportPath + "/" + MINIO_DIR;
    String etcd = exportPath + "/" + ETCD_DIR;
    return List.of(
        dev.kubesmith.bundle.OfflineInstall.USE_BUNDLE + "if command -v apt-get >/dev/null 2>&1; then dpkg -s nfs-kernel-server >/dev/null 2>&1"
            + " || { apt-get -o DPkg::Lock::Timeout=300 -q update && DEBIAN_FRONTEND=noninteractive"
            + " apt-get -o DPkg::Lock::Timeout=300 -y -q install nfs-kernel-server; };"
            + " elif command -v dnf >/dev/null 2>&1; then rpm -q nfs-utils >/dev/null 2>&1 || dnf install -y -q nfs-utils;"
            + " else echo \"kubesmith: neither apt-get nor dnf found on " + host.name()
            + "; install an NFS server by hand\" >&2; exit 1; fi",
        "install -d -m 0755 " + exportPath,
        "install -d -o " + MINIO_UID + " -g " + MINIO_UID + " -m 0700 " + minio,
        "install -d -o " + NOBODY + " -g " + NOBODY + " -m 0700 " + etcd,
        "exportfs -ra",
        "systemctl enable --now nfs-server",
        FIREWALL_SCRIPT,
        "systemctl daemon-reload",
        "systemctl enable kubesmith-nfs-firewall.service");
  }

  /** The host step: files under {@code hosts/<nfs host>/} of the rendered plan, then {@link #commands()}. */
  public Step step(ClusterSpec spec) {
    return Step.builder().id(stepId()).phase(Phase.BACKUP).host(host.name()).addAfterPhases(Phase.FIREWALL)
        .addPackages("nfs-kernel-server")
        .description("NFSv4 server on " + host.name() + " exporting " + exportPath + " to "
            + String.join(", ", spec.network().hostNetworks()) + " only (" + EXPORT_OPTIONS + "), TCP " + NFS_PORT
            + " open from there and dropped from elsewhere")
        .addFiles(FileArtifact.of(EXPORTS_FILE, exportsFile(spec)))
        .addFiles(FileArtifact.of(NFS_CONF_FILE, nfsConf()))
        .addFiles(FileArtifact.of(FIREWALL_RULES, firewallRules(spec), 0600))
        .addFiles(FileArtifact.of(FIREWALL_SCRIPT, firewallScript(), 0755))
        .addFiles(FileArtifact.of(FIREWALL_UNIT, firewallUnit()))
        .commands(commands())
        .estimate(Duration.ofSeconds(60))
        .build();
  }

  /** {@code <private ip>:<export>/<sub>}: what a client mounts. */
  public String source(String sub) {
    return host.privateIp() + ":" + exportPath + "/" + sub;
  }

  public String path(String sub) {
    return exportPath + "/" + sub;
  }
}
