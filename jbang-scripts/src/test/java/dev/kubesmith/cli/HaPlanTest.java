package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code kubesmith plan} on the seed's HA inventory (clustera): what it writes and prints. */
class HaPlanTest {
  static final List<String> CLUSTERA_HOSTS =
      List.of("bastion", "lb1", "lb2", "master1", "master2", "master3", "worker1", "worker2", "worker3", "nfs1");

  @TempDir
  static Path tmp;
  static Path out;
  static CliRun run;

  @BeforeAll
  static void planClusterA() {
    out = tmp.resolve("plan");
    run = CliRun.of("plan", "--inventory", CliRun.sample("clustera_hosts").toString(),
        "--vip", "192.168.4.100", "--public-vip", "203.0.113.100",
        "--mirror", CliRun.mirror().toString(), "--out", out.toString());
  }

  @Test
  void exitsZeroAndPrintsNoErrors() {
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
  }

  @Test
  void writesPlanJsonWhoseStepsCarryIdPhaseHostDependenciesFilesAndCommands() throws IOException {
    JsonNode plan = JsonMapper.builder().build().readTree(Files.readString(out.resolve("plan.json")));

    assertThat(plan.get("topology").asString()).isEqualTo("HA");
    List<JsonNode> steps = new ArrayList<>();
    plan.get("steps").forEach(steps::add);
    assertThat(steps).isNotEmpty().allSatisfy(step -> assertThat(step.has("id") && step.has("phase") && step.has("host")
        && step.get("dependsOn").isArray() && step.get("files").isArray() && step.get("commands").isArray())
        .as("step %s has id, phase, host, dependsOn, files, commands", step).isTrue());
    assertThat(steps).anySatisfy(step -> assertThat(step.get("dependsOn")).isNotEmpty());
  }

  @Test
  void writesPlanMarkdown() throws IOException {
    assertThat(Files.readString(out.resolve("plan.md"))).contains("# Plan for cluster", "192.168.4.100");
  }

  @Test
  void writesHaproxyAndKeepalivedConfigsWithTheMastersAndTheVips() throws IOException {
    String haproxy = Files.readString(out.resolve("hosts/lb1/etc/haproxy/haproxy.cfg"));
    String keepalived = Files.readString(out.resolve("hosts/lb1/etc/keepalived/keepalived.conf"));

    assertThat(haproxy).contains("192.168.4.31:6443", "192.168.4.32:6443", "192.168.4.33:6443");
    assertThat(keepalived).contains("192.168.4.100", "203.0.113.100");
  }

  @Test
  void writesKubeadmConfigOnTheFirstMasterWithTheVipAsControlPlaneEndpoint() throws IOException {
    assertThat(Files.readString(out.resolve("hosts/master1/etc/kubernetes/kubeadm-config.yaml")))
        .contains("controlPlaneEndpoint: 192.168.4.100:6443");
  }

  @Test
  void writesIptablesRulesForEveryHostOfTheInventory() {
    assertThat(CLUSTERA_HOSTS).allSatisfy(host ->
        assertThat(out.resolve("hosts").resolve(host).resolve("etc/iptables/rules.v4")).isRegularFile());
  }

  @Test
  void writesTheCalicoManifestFromTheMirror() throws IOException {
    assertThat(Files.readString(out.resolve("cluster/calico.yaml"))).contains("CALICO_IPV4POOL_CIDR");
  }

  @Test
  void summarySaysHowManyStepsThereAreAndWhereThePlanIs() throws IOException {
    int steps = JsonMapper.builder().build().readTree(Files.readString(out.resolve("plan.json"))).get("steps").size();

    assertThat(run.out()).contains(steps + " steps", out.toAbsolutePath().normalize().toString());
  }
}
