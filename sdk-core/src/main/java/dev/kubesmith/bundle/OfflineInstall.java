package dev.kubesmith.bundle;

import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Phase;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An apply from an offline bundle ({@code ApplyOptions.bundle(dir)}, {@code --bundle DIR}): the
 * bundle is copied once to the bundle host (the bastion, or the first master without one; only
 * files that differ on a re-run), served from there to the private network on port {@value #PORT}
 * by busybox's httpd (from the bundle), and every host's apt gets a configuration of its own,
 * {@value #APT_CONFIG}, with the bundle as its only source, signed by the bundle's key (real
 * signature checks, no {@code trusted=yes}). kubesmith's scripts that run apt-get export
 * {@code APT_CONFIG} to that file when it is there ({@link #USE_BUNDLE}); the host's own apt
 * configuration and sources are left as they are, and its own apt-get keeps using them.
 *
 * <pre>{@code
 * cluster.apply(ApplyOptions.defaults().bundle(Path.of("bundle")));
 * Plan offline = cluster.plan(ApplyOptions.defaults().bundle(Path.of("bundle")));   // the same steps, to read
 * }</pre>
 */
public final class OfflineInstall {
  /** The bundle on the bundle host. */
  public static final String DIRECTORY = "/var/lib/kubesmith/bundle";
  /** apt's configuration for installing from the bundle alone. */
  public static final String APT_CONFIG = "/etc/kubesmith/apt/apt.conf";
  static final String SOURCES = "/etc/kubesmith/apt/sources.list";
  static final String SOURCE_PARTS = "/etc/kubesmith/apt/sources.list.d";
  static final String KEYRING = "/etc/kubesmith/apt/" + PackageBundle.KEY_ASC;
  static final String LISTS = "/var/lib/kubesmith/apt/lists";
  /** The port the bundle host serves the bundle on, on its private address. */
  public static final int PORT = 6180;
  public static final String UNIT = "kubesmith-bundle.service";
  static final String UNIT_FILE = "/etc/systemd/system/" + UNIT;
  /**
   * The line each kubesmith script that runs apt-get starts with: apt installs from the bundle on a
   * host that was configured for one, from the host's own sources otherwise.
   */
  public static final String USE_BUNDLE = "[ ! -f " + APT_CONFIG + " ] || export APT_CONFIG=" + APT_CONFIG + "; ";
  /** What the offline install itself installs on the bundle host (its httpd), from the bundle. */
  public static final List<String> PACKAGES = List.of("busybox");
  private static final String APT_GET = "apt-get -o DPkg::Lock::Timeout=300 -q";

  private OfflineInstall() {}

  /** The host the bundle is copied to and served from: the bastion, or the first master without one. */
  public static Host host(ClusterSpec spec) {
    return spec.bastionHost().or(() -> spec.masters().stream().findFirst())
        .orElseThrow(() -> new BundleException("an offline bundle is served from the bastion or the first master;"
            + " the spec has neither"));
  }

  /** Where the hosts fetch the bundle. */
  public static String url(ClusterSpec spec) {
    return "http://" + host(spec).privateIp() + ":" + PORT + "/";
  }

  /** The id of the step that configures {@code host}'s apt for the bundle. */
  public static String stepId(String host) {
    return "bundle-apt@" + host;
  }

  /**
   * The steps of an offline install: {@code bundle@<bundle host>} (copy, configure apt there from
   * the copy, serve) and {@code bundle-apt@<host>} on every other host. The bundle must be verified.
   */
  public static List<Step> steps(ClusterSpec spec, Path bundle) {
    Host server = host(spec);
    String key = read(bundle.resolve(PackageBundle.KEY_ASC));
    String manifest = dev.kubesmith.internal.Sha256.hex(read(bundle.resolve(PackageBundle.MANIFEST)));
    String ip = server.privateIp();
    List<Step> steps = new ArrayList<>();
    String serve = "/bin/busybox httpd -f -p " + ip + ":" + PORT + " -h " + DIRECTORY + " -u nobody:nogroup";
    String unit = "# Written by kubesmith: serves the cluster's offline bundle to its hosts.\n[Unit]\n"
        + "Description=kubesmith offline bundle for " + spec.name() + "\nAfter=network-online.target\n"
        + "Wants=network-online.target\n\n[Service]\nExecStart=" + serve + "\nRestart=always\nRestartSec=2\n\n"
        + "[Install]\nWantedBy=multi-user.target\n";
    String url = url(spec);
    steps.add(Step.builder().id("bundle@" + server.name()).phase(Phase.PREPARE_HOSTS).host(server.name())
        .description("the offline bundle copied to " + server.name() + " (files that differ only), apt there"
            + " configured from it, and served to the hosts at " + url)
        .putDirectories(DIRECTORY, bundle.toAbsolutePath().normalize().toString())
        .addAllFiles(aptFiles(key, "file:" + DIRECTORY, null))
        .addFiles(FileArtifact.of(UNIT_FILE, unit))
        .addCommands(dirs(), update(server.name(), "file:" + DIRECTORY),
            "export APT_CONFIG=" + APT_CONFIG + " DEBIAN_FRONTEND=noninteractive; dpkg -s busybox >/dev/null 2>&1 || "
                + APT_GET + " -y install busybox </dev/null",
            "systemctl daemon-reload && systemctl enable " + UNIT + " && systemctl restart " + UNIT,
            // served once it answers: the other hosts' apt-get update comes next
            "for i in $(seq 1 50); do busybox wget -q -O /dev/null http://" + ip + ":" + PORT + "/InRelease && exit 0;"
                + " sleep 0.2; done; echo \"kubesmith: " + UNIT + " on " + server.name() + " does not answer at " + url
                + "InRelease; see journalctl -u " + UNIT + "\" >&2; exit 1")
        .addAllPackages(PACKAGES)
        .check("echo '" + manifest + "  " + DIRECTORY + "/" + PackageBundle.MANIFEST + "' | sha256sum -c --quiet"
            + " && cd " + DIRECTORY + " && sha256sum -c --quiet " + PackageBundle.MANIFEST
            + " && systemctl is-active --quiet " + UNIT)
        .build());
    for (Host h : spec.hosts()) {
      if (h.name().equals(server.name())) {
        continue;
      }
      steps.add(Step.builder().id(stepId(h.name())).phase(Phase.PREPARE_HOSTS).host(h.name())
          .description("apt on " + h.name() + " configured to install from the offline bundle at " + url + " alone")
          .addDependsOn("bundle@" + server.name())
          .addAllFiles(aptFiles(key, url, ip))
          .addCommands(dirs(), update(h.name(), url))
          .build());
    }
    return steps;
  }

  private static List<FileArtifact> aptFiles(String key, String uri, String proxyExempt) {
    String conf = "// Written by kubesmith: apt with the cluster's offline bundle as its only source. kubesmith's\n"
        + "// scripts use it through APT_CONFIG; the host's own apt configuration is left as it is.\n"
        + "Dir::Etc::SourceList \"" + SOURCES + "\";\n"
        + "Dir::Etc::SourceParts \"" + SOURCE_PARTS + "\";\n"
        + "Dir::State::Lists \"" + LISTS + "\";\n"
        + "Acquire::Languages \"none\";\n"
        // busybox's httpd answers one request per connection and closes it: requests apt pipelined
        // behind the first are unread there, and the kernel's reset cuts off the answer being sent
        + "Acquire::http::Pipeline-Depth \"0\";\n"
        + (proxyExempt == null ? "" : "Acquire::http::Proxy::" + proxyExempt + " \"DIRECT\";\n");
    return List.of(FileArtifact.of(APT_CONFIG, conf), FileArtifact.of(KEYRING, key),
        FileArtifact.of(SOURCES, "# Written by kubesmith: the cluster's offline bundle.\ndeb [signed-by=" + KEYRING + "] "
            + uri + " ./\n"));
  }

  private static String dirs() {
    return "install -d -m 0755 " + SOURCE_PARTS + " " + LISTS + "/partial";
  }

  private static String update(String host, String where) {
    return "command -v apt-get >/dev/null || { echo \"kubesmith: " + host + " has no apt-get; an offline bundle holds"
        + " Debian packages for Debian 12 hosts: install without --bundle on this host's release\" >&2; exit 2; }; "
        + "APT_CONFIG=" + APT_CONFIG + " " + APT_GET + " update </dev/null || { echo \"kubesmith: apt on " + host
        + " cannot read the offline bundle at " + where + " (see above); check that the bundle host serves it"
        + " (systemctl status " + UNIT + ") and that the bundle is whole (kubesmith bundle verifies it), then run"
        + " again\" >&2; exit 1; }";
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new BundleException("cannot read " + file + " of the bundle: " + e.getMessage()
          + "; compute the bundle again with this kubesmith (kubesmith bundle --out DIR)", e);
    }
  }
}
