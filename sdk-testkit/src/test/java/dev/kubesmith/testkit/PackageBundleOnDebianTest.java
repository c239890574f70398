package dev.kubesmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.kubesmith.bundle.BundleException;
import dev.kubesmith.bundle.PackageBundle;
import dev.kubesmith.testkit.internal.DebianMachine;
import dev.kubesmith.testkit.internal.PointToPoint;
import dev.kubesmith.testkit.internal.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: the packages of an offline bundle, computed with apt from the machine's Debian mirror,
 * installed on a real Debian 12 machine that has no other package source and no route to anything
 * but the bundle's server, by real apt verifying the bundle's signature (no trusted=yes).
 */
class PackageBundleOnDebianTest {
  private static final String NETNS = "ks-pb-" + ProcessHandle.current().pid();
  private static final String OUTSIDE = "ks-pbo" + ProcessHandle.current().pid() % 100000;
  private static final String SERVER_IP = "198.18.252.5";
  private static final String HOST_IP = "198.18.252.6";
  /** What the load balancers and the firewall install. */
  private static final List<String> PACKAGES = List.of("haproxy", "keepalived", "iptables", "ipset", "iptables-persistent");

  @TempDir
  static Path tmp;
  static Path bundle;
  static Duration computed;
  static HttpServer server;
  static PointToPoint link;

  @BeforeAll
  static void computeAndServe() throws Exception {
    long t0 = System.nanoTime();
    bundle = PackageBundle.compute(PACKAGES, List.of(BundleFixtures.debianSource()), tmp.resolve("bundle"));
    computed = Duration.ofNanos(System.nanoTime() - t0);
    try (Stream<Path> debs = Files.list(bundle.resolve(PackageBundle.POOL))) {
      List<Path> all = debs.toList();
      long bytes = 0;
      for (Path d : all) {
        bytes += Files.size(d);
      }
      System.out.printf("bundle: %d .debs, %,d bytes for %s, computed in %.1f s%n", all.size(), bytes, PACKAGES,
          computed.toMillis() / 1000.0);
    }
    link = PointToPoint.create(NETNS, OUTSIDE, SERVER_IP, HOST_IP);
    // the bundle's server: a plain static file server on the sandbox link, as the bastion will be
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

  private static DebianMachine machine(String dir) throws Exception {
    Proc.check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", tmp.resolve(dir + "-key").toString());
    return DebianMachine.boot("lb1", NETNS, tmp.resolve(dir), Files.readString(tmp.resolve(dir + "-key.pub")));
  }

  private static void useBundle(DebianMachine m) {
    BundleFixtures.aptSource(m.upper(), bundle, "http://" + SERVER_IP + ":" + server.getAddress().getPort() + "/");
  }

  @Test
  void aMinimalDebianWithNoOtherSourceInstallsTheWholeClosureFromTheSignedBundle() throws Exception {
    PackageBundle.verify(bundle);
    assertThat(computed).as("bundle computed").isLessThan(Duration.ofMinutes(5));
    assertThat(PackageBundle.kubeadmImages(bundle, "v1.34.2")).as("no kubeadm in this bundle").isEmpty();
    try (DebianMachine m = machine("install")) {
      useBundle(m);

      ExecResult update = m.exec(Duration.ofSeconds(120), "apt-get", "-q", "update");
      assertThat(update.exitCode()).as(update.stdout() + update.stderr()).isZero();
      assertThat(update.stdout() + update.stderr()).doesNotContain("NO_PUBKEY", "not signed", "insecure");
      ExecResult install = m.exec(Duration.ofSeconds(300), "sh", "-c", "DEBIAN_FRONTEND=noninteractive apt-get install -y -q "
          + "--no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "
          + String.join(" ", PACKAGES));

      assertThat(install.exitCode()).as(install.stdout() + install.stderr()).isZero();
      System.out.printf("bundle: apt-get install of %s on a minimal Debian 12 from the bundle alone: %s%n", PACKAGES,
          install.stdout().lines().filter(l -> l.matches("\\d+ upgraded, \\d+ newly installed.*")).findFirst().orElse("?"));
      assertThat(m.exec("dpkg-query", "-W", "-f", "${db:Status-Abbrev} ${Package}\\n", "haproxy", "keepalived", "iptables",
          "ipset", "iptables-persistent").stdout().lines()).allSatisfy(l -> assertThat(l).startsWith("ii "));
      assertThat(m.exec("haproxy", "-v").stdout()).contains("HAProxy version");
      assertThat(m.exec("iptables", "-S").exitCode()).as("real iptables in the machine").isZero();
    }
  }

  @Test
  void aBundleWhoseFileChangedIsRefusedByTheSdkAndByApt() throws Exception {
    Path copy = tmp.resolve("tampered");
    Proc.check("cp", "-a", bundle.toString(), copy.toString());
    Path packages = copy.resolve("Packages");
    Files.writeString(packages, Files.readString(packages).replaceFirst("Package: haproxy", "Package: haproxy\nX-Evil: 1"));

    assertThatThrownBy(() -> PackageBundle.verify(copy)).isInstanceOf(BundleException.class)
        .hasMessageContaining("Packages changed").hasMessageContaining("kubesmith installs nothing from it");

    Path served = bundle;
    bundle = copy;
    try (DebianMachine m = machine("tampered")) {
      useBundle(m);
      ExecResult update = m.exec(Duration.ofSeconds(120), "apt-get", "-q", "update");
      assertThat(update.stdout() + update.stderr()).as("apt checks Packages against the signed InRelease")
          .containsAnyOf("Hash Sum mismatch", "File has unexpected size");
      assertThat(m.exec("apt-cache", "policy", "haproxy").stdout()).doesNotContain("Candidate: 2");
    } finally {
      bundle = served;
    }
  }

  @Test
  void onlyAnEmptyOrNewDirectoryIsWrittenAndBadPackageNamesAreRefused() throws Exception {
    Path used = Files.createDirectories(tmp.resolve("used"));
    Files.writeString(used.resolve("main.tf"), "keep me");

    assertThatThrownBy(() -> PackageBundle.compute(List.of("haproxy"), List.of(), used)).isInstanceOf(BundleException.class)
        .hasMessageContaining("is not an empty directory");
    assertThat(used.resolve("main.tf")).hasContent("keep me");
    assertThatThrownBy(() -> PackageBundle.compute(List.of("haproxy; rm -rf /"), List.of(), tmp.resolve("new")))
        .isInstanceOf(BundleException.class).hasMessageContaining("give Debian package names");
  }
}
