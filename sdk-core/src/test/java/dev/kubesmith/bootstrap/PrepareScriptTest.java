package dev.kubesmith.bootstrap;

import static dev.kubesmith.bootstrap.ScriptPieces.bash;
import static dev.kubesmith.bootstrap.ScriptPieces.function;
import static dev.kubesmith.bootstrap.ScriptPieces.stub;
import static dev.kubesmith.bootstrap.ScriptPieces.variables;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.SeedCluster;
import dev.kubesmith.bootstrap.ScriptPieces.Run;
import dev.kubesmith.spec.ClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The rendered preparation script's pieces, run for real with bash and stub commands (issue 11). */
class PrepareScriptTest {
  private static final ClusterSpec SPEC = SeedCluster.ha();
  private static final String WORKER = HostPreparation.script(SPEC, SPEC.requireHost("worker1"));
  /** Records its arguments, DEBIAN_FRONTEND and whether its standard input was at end of file at once. */
  private static final String RECORDER = """
      printf '%s\\n' "$@" > "$PWD/$(basename "$0").args"
      echo "DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-}" > "$PWD/$(basename "$0").env"
      read -r -t 2 _line; echo "read exit $?" > "$PWD/$(basename "$0").stdin"
      """;

  @Test
  void installsPackagesWithoutPromptsKeepingChangedConffiles(@TempDir Path dir) throws Exception {
    Path bin = dir.resolve("bin");
    stub(bin, "apt-get", RECORDER);

    Run r = bash(dir, bin, function(WORKER, "apt_get")
        + "\napt_get install containerd.io\n", false);

    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(Files.readAllLines(dir.resolve("apt-get.args"))).containsSubsequence(
        "-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold").contains("-y", "install", "containerd.io");
    assertThat(Files.readString(dir.resolve("apt-get.env"))).isEqualTo("DEBIAN_FRONTEND=noninteractive\n");
    assertThat(Files.readString(dir.resolve("apt-get.stdin"))).as("stdin at EOF, not a terminal or an open pipe")
        .isEqualTo("read exit 1\n");
  }

  @Test
  void everyPackageInstallIsNonInteractive() {
    List<String> installs = WORKER.lines().filter(l -> l.matches(".*\\b(apt-get|apt_get|dnf)\\b.*\\b(install|upgrade)\\b.*"))
        .filter(l -> !l.trim().startsWith("#")).toList();

    assertThat(installs).isNotEmpty().allSatisfy(l -> {
      if (l.contains("apt_get ")) {
        return; // the function above adds -y, the dpkg conffile options and </dev/null
      }
      assertThat(l).as("a direct package install").contains("dnf -y").contains("</dev/null").doesNotContain("apt-get");
    });
  }

  @Test
  void neverReadsStandardInputEvenWhenTheCallerLeavesItOpen(@TempDir Path dir) throws Exception {
    Path bin = dir.resolve("bin");
    Path script = Files.writeString(dir.resolve("prepare.sh"), WORKER);
    stub(bin, "hostname", RECORDER + "echo somewhere-else");
    Files.writeString(dir.resolve("host-name"), "worker1\n");

    Run r = bash(dir, bin, "KUBESMITH_HOST_NAME_FILE=" + dir.resolve("host-name") + " bash " + script + " --check", false);

    assertThat(r.exit()).as("--check on a host not prepared").isNotZero();
    assertThat(Files.readString(dir.resolve("hostname.stdin"))).isEqualTo("read exit 1\n");
  }

  @Test
  void installsTheKubernetesKeyringWorldReadableUnderUmask077(@TempDir Path dir) throws Exception {
    Path bin = dir.resolve("bin");
    Files.createDirectories(dir.resolve("gnupg"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    stub(bin, "curl", "printf 'kubesmith test key' | gpg --batch --enarmor");
    Path keyring = dir.resolve("etc/apt/keyrings/kubernetes-apt-keyring.gpg");

    Run r = bash(dir, bin, "umask 077\n" + function(WORKER, "install_keyring")
        + "install_keyring https://pkgs.k8s.io/core:/stable:/v1.34/deb/Release.key " + keyring + "\n", true);

    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(Files.readString(keyring)).isEqualTo("kubesmith test key");
    assertThat(Files.getPosixFilePermissions(keyring)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
        PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    assertThat(Files.getPosixFilePermissions(keyring.getParent())).contains(PosixFilePermission.OTHERS_EXECUTE);
    assertThat(WORKER).contains("install_keyring \"https://pkgs.k8s.io/core:/stable:/$K8S_MINOR/deb/Release.key\" \"$KEYRING\"");
  }

  @Test
  void tellsCloudInitToKeepTheHostnameInItsOwnDropIn(@TempDir Path dir) throws Exception {
    Run r = bash(dir, dir, variables(WORKER) + function(WORKER, "cloud_init_wanted") + "cloud_init_wanted\n", true);

    JsonNode cfg = YAMLMapper.builder().build().readTree(r.output());
    assertThat(cfg.get("preserve_hostname").asBoolean()).isTrue();
    assertThat(cfg.get("manage_etc_hosts").asBoolean(true)).isFalse();
    assertThat(WORKER).contains("CLOUD_INIT_DROP_IN=\"/etc/cloud/cloud.cfg.d/99-kubesmith-hostname.cfg\"")
        .contains("if has_cloud_init; then\n  install -d -m 0755 \"${CLOUD_INIT_DROP_IN%/*}\"")
        .contains("cloud_init_wanted | cmp -s - \"$CLOUD_INIT_DROP_IN\" || return 1");
  }

  @ParameterizedTest(name = "Kubernetes {0}, containerd {1}: supported {2}")
  @CsvSource({
      "1.34.2, 1.6.20, false", "1.34.2, 1.6.39, false", "1.34.2, 1.7.27, false", "1.34.2, 1.7.28, true",
      "1.34.2, 2.0.6, true", "1.34.2, 2.0.5, false", "1.34.2, 2.1.3, true", "1.34.2, 2.2.0, true",
      "1.35.0, 2.0.7, false", "1.35.0, 2.1.5, true", "1.35.0, 2.3.1, true", "1.31.4, 1.7.20, true",
      "1.31.4, 1.7.19, false", "1.34.2, sandbox, false", "1.34.2, 1.10.0, false"})
  void acceptsOnlyTheContainerdReleasesRecommendedForTheKubernetesVersion(String k8s, String containerd,
      boolean supported, @TempDir Path dir) throws Exception {
    ClusterSpec spec = SeedCluster.haBuilder().kubernetesVersion(k8s).build();
    String script = HostPreparation.script(spec, spec.requireHost("worker1"));

    Run r = bash(dir, dir, variables(script) + function(script, "containerd_supported")
        + "containerd_supported " + containerd + "\n", true);

    assertThat(r.exit() == 0).as(r.output()).isEqualTo(supported);
  }

  @Test
  void refusesAnUnsupportedContainerdNamingHostVersionAndFix(@TempDir Path dir) throws Exception {
    Path bin = dir.resolve("bin");
    stub(bin, "containerd", "echo 'containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3'");

    Files.writeString(dir.resolve("host-name"), "worker1\n");
    Run r = bash(dir, bin, "export KUBESMITH_HOST_NAME_FILE=" + dir.resolve("host-name") + "\n" + variables(WORKER)
        + function(WORKER, "containerd_version") + function(WORKER, "refuse_containerd")
        + "refuse_containerd \"$(containerd_version)\"\n", true);

    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.output()).contains("worker1 has containerd 1.6.20;", "Kubernetes 1.34.2", "2.1.3 2.0.6 1.7.28",
        "Fix: install containerd.io from Docker's repository");
  }

  @Test
  void readsContainerdVersionsOfEveryPackaging(@TempDir Path dir) throws Exception {
    Path bin = dir.resolve("bin");
    stub(bin, "containerd", "case $CTD in debian) echo 'containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3';;"
        + " docker) echo 'containerd containerd.io 1.7.28 b98a3aace656320842a23f4a392a33f46af97866';;"
        + " v2) echo 'containerd github.com/containerd/containerd/v2 v2.1.5 fcd43222d6b07379a4be9786bda52438f0dd16a1';; esac");

    Run r = bash(dir, bin, function(WORKER, "containerd_version")
        + "for CTD in debian docker v2; do export CTD; containerd_version; done\n", true);

    assertThat(r.output().lines().toList()).containsExactly("1.6.20", "1.7.28", "2.1.5");
  }

  @Test
  void installsTheConfigurationRenderedForTheContainerdMajorItFinds() {
    assertThat(WORKER).contains("CONTAINERD_V2=\"" + ContainerdConfig.VERSION2_FILE + "\"",
            "CONTAINERD_V3=\"" + ContainerdConfig.VERSION3_FILE + "\"")
        .contains("install -m 0644 \"$CONFIG\" /etc/containerd/config.toml")
        .contains("cmp -s \"$(containerd_config)\" /etc/containerd/config.toml || return 1")
        .doesNotContain("containerd config default", "sed 's/SystemdCgroup");
  }
}
