package dev.kubesmith.cli;

import dev.kubesmith.bundle.BundleException;
import dev.kubesmith.bundle.BundleSources;
import dev.kubesmith.bundle.PackageBundle;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.upstream.UpstreamException;
import dev.kubesmith.upstream.UpstreamMirror;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubesmith bundle}: computes the cluster's offline bundle (the Debian packages its hosts
 * install, with their whole closure, as a signed apt repository; images.txt) into a new directory.
 * Touches no host. Invalid input writes nothing.
 *
 * <pre>
 * kubesmith bundle --inventory clustera_hosts --vip 192.168.4.100 --out bundle
 * </pre>
 */
@Command(name = "bundle",
    description = {"Computes the cluster's offline bundle into a new or empty directory, touching no host:",
        "the Debian packages its hosts install with their whole dependency closure (apt on this machine, which "
            + "must run the hosts' release), as an apt repository signed with a key made for it "
            + "(DIR/kubesmith-bundle.gpg), DIR/images.txt (every container image of the plan) and "
            + "DIR/MANIFEST.sha256."},
    sortOptions = false,
    footer = {"%nExample:",
        "  kubesmith bundle --inventory samples/clustera_hosts --vip 192.168.4.100 --out bundle \\",
        "      --source 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example.com/debian bookworm main'"})
final class BundleCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Mixin
  ClusterOptions cluster;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the bundle: a new or empty directory.")
  Path out;

  @Option(names = "--source", paramLabel = "LINE",
      description = "A sources.list line to take packages from; repeat for several. Default: Debian 12 from "
          + "deb.debian.org (main, updates, security) and pkgs.k8s.io for the cluster's Kubernetes minor, whose key "
          + "must be in " + BundleSources.KUBERNETES_KEYRING + ".")
  List<String> sources;

  @Override
  public Integer call() {
    Failures failures = new Failures();
    boolean readable = cluster.checkInventoryFile(failures);
    if (Files.exists(out) && (!Files.isDirectory(out) || !isEmpty(out))) {
      failures.add(KubesmithCli.INVALID_INPUT, "--out " + out + ": is not an empty directory; kubesmith writes a bundle "
          + "only into a new or empty one");
    }
    BundleSources from = null;
    if (sources != null) {
      try {
        from = BundleSources.of(sources);
      } catch (BundleException e) {
        failures.add(KubesmithCli.INVALID_INPUT, "--source: " + e.getMessage().replace("bundle sources ", ""));
      }
    }
    UpstreamMirror upstream = cluster.mirror(failures);
    Optional<Cluster> built = readable ? cluster.cluster(upstream, new SshOptions(), failures) : Optional.empty();
    if (failures.any() || built.isEmpty()) {
      return failures.report(err());
    }
    Cluster c = built.get();
    try {
      Path written = c.bundle(out, from != null ? from : BundleSources.defaults(c.spec().kubernetesVersion()));
      long debs;
      try (Stream<Path> s = Files.list(written.resolve(PackageBundle.POOL))) {
        debs = s.count();
      }
      spec.commandLine().getOut().println("Bundle of cluster '" + c.spec().name() + "' written to " + written + ": "
          + debs + " packages (the closure of " + String.join(", ", c.plan().packages()) + "), "
          + c.plan().images().size() + " images listed in " + Cluster.IMAGES_FILE + ".");
      return KubesmithCli.OK;
    } catch (BundleException | UpstreamException | IOException e) {
      failures.add(KubesmithCli.UPSTREAM_OR_IO, e.getMessage());
      return failures.report(err());
    }
  }

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
