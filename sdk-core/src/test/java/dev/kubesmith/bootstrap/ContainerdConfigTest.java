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
  void aRegistryMirrorIsEveryRegistrysServerThroughTheDefaultHostsFileBothConfigsPointAt() {
    ClusterSpec spec = ClusterSpec.builder().from(SPEC).registryMirror("registry.example.com:5000").build();

    JsonNode v2 = TOML.readTree(ContainerdConfig.version2(spec));
    JsonNode v3 = TOML.readTree(ContainerdConfig.version3(spec));
    JsonNode hosts = TOML.readTree(ContainerdConfig.defaultHosts(spec).orElseThrow());

    assertThat(v2.path("plugins").path("io.containerd.grpc.v1.cri").path("registry").path("config_path").asString())
        .isEqualTo("/etc/containerd/certs.d");
    assertThat(v3.path("plugins").path("io.containerd.cri.v1.images").path("registry").path("config_path").asString())
        .isEqualTo("/etc/containerd/certs.d");
    // the server, not only a host tried first: no upstream registry is tried after the mirror
    assertThat(hosts.path("server").asString()).isEqualTo("https://registry.example.com:5000");
    assertThat(hosts.path("host").path("https://registry.example.com:5000").path("capabilities"))
        .extracting(JsonNode::asString).containsExactly("pull", "resolve");
    var plan = Cluster.from(spec).plan();
    assertThat(plan.requireStep("prepare@worker1").files()).extracting(FileArtifact::path).contains(ContainerdConfig.DEFAULT_HOSTS);
    assertThat(plan.requireStep("prepare@lb1").files()).extracting(FileArtifact::path).doesNotContain(ContainerdConfig.DEFAULT_HOSTS);
    // without a mirror nothing of it is written: the configs of existing clusters are unchanged
    assertThat(ContainerdConfig.version2(SPEC)).doesNotContain("config_path");
    assertThat(Cluster.from(SPEC).plan().requireStep("prepare@worker1").files()).extracting(FileArtifact::path)
        .doesNotContain(ContainerdConfig.DEFAULT_HOSTS);
  }

  @Test
  void aRegistryMirrorThatIsNotAHostIsRefusedNamingTheFieldAndTheFix() {
    var problems = dev.kubesmith.spec.SpecValidator.problems(ClusterSpec.builder().from(SPEC).registryMirror("https://registry.example.com/v2").build());

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("registryMirror");
      assertThat(p.fix()).contains("registry.example.com:5000");
    });
    assertThat(ClusterSpec.fromYaml(ClusterSpec.builder().from(SPEC).registryMirror("r.example.com").build().toYaml())
        .registryMirror()).contains("r.example.com");
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
