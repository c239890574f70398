package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.bundle.PackageBundle;
import dev.kubesmith.testkit.BundleFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubesmith bundle}: the offline bundle of the cluster an inventory describes. */
class BundleCommandTest {
  @TempDir
  Path tmp;

  @Test
  void writesTheSignedPackageRepositoryImagesAndManifestOfTheCluster() throws Exception {
    Path k8s = BundleFixtures.kubernetesRepository("1.34.2", tmp.resolve("k8s"));
    Path out = tmp.resolve("bundle");

    CliRun run = CliRun.of("bundle", "--inventory", CliRun.sample("clusterb_hosts").toString(),
        "--mirror", CliRun.mirror().toString(), "--out", out.toString(),
        "--source", BundleFixtures.debianSource(),
        "--source", "deb [signed-by=" + k8s.resolve(PackageBundle.KEY) + "] file:" + k8s + " ./");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("Bundle of cluster ").contains("kubeadm=1.34.2-*", "containerd", "images listed in images.txt");
    PackageBundle.verify(out);
    assertThat(out.resolve("images.txt")).content().contains("calico/node");
    try (var debs = Files.list(out.resolve(PackageBundle.POOL))) {
      assertThat(debs.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("kubeadm_1.34.2-1.1_"))
          .anyMatch(n -> n.startsWith("containerd_"));
    }
  }

  @Test
  void aUsedDirectoryAndABadSourceAreBothReportedAndNothingIsWritten() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("used"));
    Files.writeString(out.resolve("main.tf"), "keep");

    CliRun run = CliRun.of("bundle", "--inventory", CliRun.sample("clusterb_hosts").toString(),
        "--mirror", CliRun.mirror().toString(), "--out", out.toString(), "--source", "http://mirror/debian bookworm main");

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.err()).contains("--out " + out + ": is not an empty directory")
        .contains("--source: [http://mirror/debian bookworm main]: give sources.list lines");
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("main.tf");
    }
  }
}
