package dev.kubesmith.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubesmith.SeedCluster;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.spec.ClusterSpec;
import dev.kubesmith.spec.InvalidSpecException;
import dev.kubesmith.spec.Inventory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/** containerd's configuration, parsed back with a TOML parser (issue 11). */
class ContainerdConfigTest {
  private static final TomlMapper TOML = new TomlMapper();
  private static final ClusterSpec SPEC = SeedCluster.haBuilder().kubernetesVersion("1.34.2").build();

  @ParameterizedTest(name = "Kubernetes {0}: pause {1}")
  @CsvSource({"1.31.0, 3.10", "1.32.3, 3.10", "1.33.1, 3.10", "1.34.2, 3.10.1", "1.35.0, 3.10.1", "1.30.5, 3.9"})
  void usesThePauseImageKubeadmExpectsForTheKubernetesVersion(String k8s, String pause) {
    ClusterSpec spec = SeedCluster.haBuilder().kubernetesVersion(k8s).build();

    assertThat(ContainerdConfig.sandboxImage(spec)).isEqualTo("registry.k8s.io/pause:" + pause);
  }

  @Test
  void rendersAVersion2ConfigForContainerd17WithSystemdCgroupsAndThePauseImage() {
    JsonNode cfg = TOML.readTree(ContainerdConfig.version2(SPEC));

    JsonNode cri = cfg.path("plugins").path("io.containerd.grpc.v1.cri");
    assertThat(cfg.path("version").asInt()).isEqualTo(2);
    assertThat(cri.path("sandbox_image").asString()).isEqualTo("registry.k8s.io/pause:3.10.1");
    assertThat(cri.path("containerd").path("default_runtime_name").asString()).isEqualTo("runc");
    JsonNode runc = cri.path("containerd").path("runtimes").path("runc");
    assertThat(runc.path("runtime_type").asString()).isEqualTo("io.containerd.runc.v2");
    assertThat(runc.path("options").path("SystemdCgroup").isBoolean()).isTrue();
    assertThat(runc.path("options").path("SystemdCgroup").asBoolean()).isTrue();
    assertThat(cri.path("cni").path("bin_dir").asString()).isEqualTo("/opt/cni/bin");
    assertThat(cfg.has("disabled_plugins")).as("the CRI plugin is never disabled").isFalse();
  }

  @Test
  void rendersAVersion3ConfigForContainerd2WithTheSplitCriPlugins() {
    JsonNode cfg = TOML.readTree(ContainerdConfig.version3(SPEC));

    JsonNode plugins = cfg.path("plugins");
    assertThat(cfg.path("version").asInt()).isEqualTo(3);
    assertThat(plugins.path("io.containerd.cri.v1.images").path("pinned_images").path("sandbox").asString())
        .isEqualTo("registry.k8s.io/pause:3.10.1");
    JsonNode runc = plugins.path("io.containerd.cri.v1.runtime").path("containerd").path("runtimes").path("runc");
    assertThat(runc.path("runtime_type").asString()).isEqualTo("io.containerd.runc.v2");
    assertThat(runc.path("options").path("SystemdCgroup").asBoolean()).isTrue();
    assertThat(plugins.has("io.containerd.grpc.v1.cri")).as("no version 2 keys in a version 3 file").isFalse();
  }

  @Test
  void plansBothConfigurationsOnNodesOnly() {
    var plan = Cluster.from(SPEC).plan();

    assertThat(plan.requireStep("prepare@worker1").files()).extracting(FileArtifact::path)
        .contains(ContainerdConfig.VERSION2_FILE, ContainerdConfig.VERSION3_FILE);
    assertThat(plan.requireStep("prepare@lb1").files()).extracting(FileArtifact::path)
        .doesNotContain(ContainerdConfig.VERSION2_FILE, ContainerdConfig.VERSION3_FILE);
  }

  @Test
  void refusesAKubernetesNewerThanKubesmithKnowsWhenTheClusterIsBuilt() {
    assertThatThrownBy(() -> Cluster.singleMaster().inventory(Inventory.of(SeedCluster.singleMasterBuilder().build().hosts()))
        .kubernetesVersion("1.36.0").build())
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("kubernetesVersion").hasMessageContaining("1.36.0")
        .hasMessageContaining("newer than 1.35");
  }
}
