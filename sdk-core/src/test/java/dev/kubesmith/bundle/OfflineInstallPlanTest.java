package dev.kubesmith.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.SeedCluster;
import dev.kubesmith.cluster.ApplyOptions;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.internal.Sha256;
import dev.kubesmith.plan.Plan;
import dev.kubesmith.plan.Step;
import dev.kubesmith.spec.Host;
import dev.kubesmith.spec.Inventory;
import dev.kubesmith.spec.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan of an apply from an offline bundle: where it is served from and what waits for it. */
class OfflineInstallPlanTest {
  @TempDir
  Path tmp;

  /** A bundle of the files given, with its manifest (what PackageBundle writes, without packages). */
  private Path bundle(String... files) throws Exception {
    Path b = Files.createDirectories(tmp.resolve("bundle/upstream"));
    StringBuilder manifest = new StringBuilder();
    for (String f : files) {
      Path p = b.getParent().resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "content of " + f);
      manifest.append(Sha256.hex("content of " + f)).append("  ").append(f).append('\n');
    }
    Files.writeString(b.getParent().resolve(PackageBundle.MANIFEST), manifest);
    return b.getParent();
  }

  private static Cluster ha() {
    return Cluster.ha().inventory(Inventory.load(SeedCluster.hostsFile())).vip(SeedCluster.VIP).build();
  }

  @Test
  void theBastionServesTheBundleAndEveryStepThatInstallsPackagesWaitsForItsHostsApt() throws Exception {
    Path bundle = bundle(PackageBundle.KEY_ASC, "pool/haproxy.deb");
    Cluster cluster = ha();
    Plan plan = cluster.plan(ApplyOptions.defaults().bundle(bundle));
    String bastion = cluster.spec().bastionHost().orElseThrow().name();

    Step served = plan.requireStep("bundle@" + bastion);
    assertThat(served.directories()).containsEntry(OfflineInstall.DIRECTORY, bundle.toAbsolutePath().toString());
    assertThat(served.packages()).containsExactly("busybox");
    assertThat(served.check().orElseThrow()).contains(Sha256.hex(Files.readString(bundle.resolve(PackageBundle.MANIFEST))));
    for (Host h : cluster.spec().hosts()) {
      if (h.name().equals(bastion)) {
        continue;
      }
      Step apt = plan.requireStep(OfflineInstall.stepId(h.name()));
      assertThat(apt.dependsOn()).containsExactly(served.id());
      assertThat(apt.files()).anySatisfy(f -> assertThat(f.content())
          .contains("signed-by=/etc/kubesmith/apt/kubesmith-bundle.asc] " + OfflineInstall.url(cluster.spec()) + " ./")
          .doesNotContain("trusted"));
    }
    List<Step> installing = plan.steps().stream().filter(s -> !s.packages().isEmpty() && s != served).toList();
    assertThat(installing).isNotEmpty().allSatisfy(s -> assertThat(s.dependsOn()).contains(
        s.host().orElseThrow().equals(bastion) ? served.id() : OfflineInstall.stepId(s.host().orElseThrow())));
    assertThat(plan.toJson()).contains("\"directories\"");
    // the same steps otherwise
    assertThat(plan.steps().size()).isEqualTo(cluster.plan().steps().size() + cluster.spec().hosts().size());
  }

  @Test
  void withoutABastionTheFirstMasterServesIt() throws Exception {
    Path bundle = bundle(PackageBundle.KEY_ASC);
    Cluster single = Cluster.singleMaster().inventory(Inventory.of(Host.of("solo", "192.168.4.31", Role.MASTER),
        Host.of("w1", "192.168.4.41", Role.WORKER))).build();

    Plan plan = single.plan(ApplyOptions.defaults().bundle(bundle));

    assertThat(plan.requireStep("bundle@solo").description()).contains("http://192.168.4.31:" + OfflineInstall.PORT + "/");
    assertThat(plan.requireStep("prepare@solo").dependsOn()).contains("bundle@solo");
    assertThat(plan.requireStep("prepare@w1").dependsOn()).contains("bundle-apt@w1");
  }

  @Test
  void aBundleWhoseFilesDoNotMatchItsManifestIsRefusedBeforeAnyPlan() throws Exception {
    Path bundle = bundle(PackageBundle.KEY_ASC, "pool/a.deb");
    Files.writeString(bundle.resolve("pool/a.deb"), "changed");

    assertThatThrownBy(() -> ha().plan(ApplyOptions.defaults().bundle(bundle)))
        .isInstanceOf(BundleException.class).hasMessageContaining("pool/a.deb changed");
    assertThatThrownBy(() -> ha().apply(ApplyOptions.defaults().bundle(bundle).stateDirectory(tmp.resolve("state"))))
        .isInstanceOf(BundleException.class);
    assertThat(tmp.resolve("state")).doesNotExist();
  }
}
