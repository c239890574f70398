package dev.kubesmith.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.kubesmith.bundle.PackageBundle;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Role;
import dev.kubesmith.testkit.ExecResult;
import dev.kubesmith.testkit.BundleFixtures;
import dev.kubesmith.testkit.internal.DebianMachine;
import dev.kubesmith.testkit.internal.PointToPoint;
import dev.kubesmith.testkit.internal.Proc;
import dev.kubesmith.upstream.UpstreamMirror;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: the offline bundle computed from an HA cluster's description (Cluster.bundle), its
 * Kubernetes packages from a signed repository of the test kit's kubeadm/kubelet/kubectl stand-in
 * .debs (no registry here ships the real ones), the rest from the machine's Debian mirror. Each
 * kind of host, a real minimal Debian 12 machine with no package source but the bundle and no
 * route anywhere else, installs what its steps list from the bundle alone, real apt verifying the
 * bundle's signature.
 */
class OfflineBundleDebianTest {
  private static final String NETNS = "ks-ob-" + ProcessHandle.current().pid();
  private static final String OUTSIDE = "ks-obo" + ProcessHandle.current().pid() % 100000;
  private static final String SERVER_IP = "198.18.252.9";
  private static final String HOST_IP = "198.18.252.10";
  private static final String VERSION = "1.34.2";

  @TempDir
  static Path tmp;
  static Plan plan;
  static Inventory inventory;
  static Path bundle;
  static HttpServer server;
  static PointToPoint link;

  @BeforeAll
  static void computeAndServe() throws Exception {
    List<Host> hosts = new ArrayList<>();
    hosts.add(Host.builder().name("bastion").privateIp("10.1.0.10").publicIp("203.0.113.10").addRoles(Role.BASTION).build());
    hosts.add(Host.builder().name("lb1").privateIp("10.1.0.21").publicIp("203.0.113.21").addRoles(Role.LB).build());
    hosts.add(Host.builder().name("lb2").privateIp("10.1.0.22").publicIp("203.0.113.22").addRoles(Role.LB).build());
    for (int i = 1; i <= 3; i++) {
      hosts.add(Host.of("master" + i, "10.1.0.3" + i, Role.MASTER));
    }
    hosts.add(Host.of("worker1", "10.1.0.41", Role.WORKER));
    inventory = Inventory.of(hosts);
    Cluster cluster = Cluster.ha().inventory(inventory).vip("10.1.0.100").publicVip("203.0.113.100")
        .kubernetesVersion(VERSION).build();
    plan = cluster.plan();
    Path kubernetes = BundleFixtures.kubernetesRepository(VERSION, tmp.resolve("kubernetes-repo"));
    long t0 = System.nanoTime();
    bundle = cluster.bundle(tmp.resolve("bundle"), BundleFixtures.sources(kubernetes));
    long bytes;
    try (Stream<Path> debs = Files.list(bundle.resolve(PackageBundle.POOL))) {
      bytes = debs.mapToLong(p -> p.toFile().length()).sum();
    }
    System.out.printf("bundle of the HA cluster: %d packages asked, %,d bytes of .debs, computed in %.1f s%n",
        plan.packages().size(), bytes, (System.nanoTime() - t0) / 1e9);

    link = PointToPoint.create(NETNS, OUTSIDE, SERVER_IP, HOST_IP);
    server = BundleFixtures.serve(() -> bundle, SERVER_IP);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop(0);
    }
    if (link != null) {
      link.close();
    }
  }

  /** A fresh machine of the host's kind, its only package source the bundle, installing what its steps list. */
  private static void installsFromTheBundleAlone(String host) throws Exception {
    installsFromTheBundleAlone(host, m -> { });
  }

  interface Then {
    void on(DebianMachine m) throws Exception;
  }

  private static void installsFromTheBundleAlone(String host, Then then) throws Exception {
    // a|b: the one the bundle holds, as the host's script chooses (here Debian's containerd: no containerd.io in the sources)
    List<String> packages = plan.stepsOn(host).stream().flatMap((Step s) -> s.packages().stream()).distinct()
        .map(OfflineBundleDebianTest::inBundle).toList();
    assertThat(packages).as("packages of %s", host).isNotEmpty();
    Path dir = tmp.resolve("machine-" + host);
    Proc.check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", tmp.resolve(host + "-key").toString());
    try (DebianMachine m = DebianMachine.boot(host, NETNS, dir, Files.readString(tmp.resolve(host + "-key.pub")))) {
      BundleFixtures.aptSource(m.upper(), bundle, "http://" + SERVER_IP + ":" + server.getAddress().getPort() + "/");

      ExecResult update = m.exec(Duration.ofSeconds(120), "apt-get", "-q", "update");
      assertThat(update.exitCode()).as(update.stdout() + update.stderr()).isZero();
      ExecResult install = m.exec(Duration.ofSeconds(600), "sh", "-c", "DEBIAN_FRONTEND=noninteractive apt-get install -y -q"
          + " --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold '"
          + String.join("' '", packages) + "'");

      assertThat(install.exitCode()).as(install.stdout() + install.stderr()).isZero();
      System.out.printf("bundle: %s installed %s: %s%n", host, packages, install.stdout().lines()
          .filter(l -> l.matches("\\d+ upgraded, \\d+ newly installed.*")).findFirst().orElse("?"));
      List<String> names = packages.stream().map(p -> p.replaceFirst("=.*", "")).toList();
      List<String> status = new ArrayList<>(List.of("dpkg-query", "-W", "-f", "${db:Status-Abbrev} ${Package} ${Version}\\n"));
      status.addAll(names);
      assertThat(m.exec(status.toArray(String[]::new)).stdout().lines()).hasSize(names.size())
          .allSatisfy(l -> assertThat(l).startsWith("ii "));
      then.on(m);
    }
  }

  private static String inBundle(String alternatives) {
    for (String p : alternatives.split("\\|")) {
      try (Stream<Path> debs = Files.list(bundle.resolve(PackageBundle.POOL))) {
        if (debs.anyMatch(d -> d.getFileName().toString().startsWith(p.replaceFirst("=.*", "") + "_"))) {
          return p;
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    throw new AssertionError("the bundle holds none of " + alternatives);
  }

  @Test
  void aNodeInstallsContainerdAndKubernetesAtTheSpecsVersionFromTheBundleAlone() throws Exception {
    assertThat(plan.packages()).contains("kubeadm=" + VERSION + "-*", "containerd.io|containerd", "haproxy", "iptables-persistent");
    // the plan's images and those the bundle's kubeadm lists for the spec's version
    assertThat(bundle.resolve("images.txt")).content().contains("calico/node", "registry.k8s.io/kube-apiserver:v" + VERSION,
        "registry.k8s.io/etcd:").doesNotContain("#");
    PackageBundle.verify(bundle);

    installsFromTheBundleAlone("worker1", m -> {
      // the real containerd of the bundle reads the SDK's configuration with a registry mirror (Debian 12's
      // containerd is 1.6, which the SDK refuses on hosts but which reads the same version 2 file)
      var spec = dev.kubesmith.spec.ClusterSpec.builder().from(plan.spec()).registryMirror("registry.example.com:5000").build();
      Files.writeString(m.upper().resolve("root/containerd-v2.toml"), dev.kubesmith.bootstrap.ContainerdConfig.version2(spec));
      ExecResult dump = m.exec("containerd", "--config", "/root/containerd-v2.toml", "config", "dump");
      assertThat(dump.exitCode()).as(dump.stderr()).isZero();
      assertThat(dump.stdout()).contains("config_path = \"/etc/containerd/certs.d\"", "SystemdCgroup = true",
          "sandbox_image = \"registry.k8s.io/pause:3.10.1\"");
    });
  }

  @Test
  void theBundlesUpstreamManifestsAreAMirrorThatPlansTheSameCluster() {
    Plan fromBundle = Cluster.ha().inventory(inventory).vip("10.1.0.100").publicVip("203.0.113.100")
        .kubernetesVersion(VERSION).mirror(UpstreamMirror.at(bundle.resolve(Cluster.UPSTREAM_DIR))).build().plan();

    assertThat(bundle.resolve(Cluster.UPSTREAM_DIR)).isDirectoryRecursivelyContaining("glob:**/calico*.yaml");
    assertThat(fromBundle.toJson()).as("the same plan, from the bundle's manifests alone").isEqualTo(plan.toJson());
  }

  @Test
  void aLoadBalancerInstallsHaproxyKeepalivedAndTheFirewallFromTheBundleAlone() throws Exception {
    installsFromTheBundleAlone("lb1");
  }
}
