package dev.kubesmith.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.SeedCluster;
import dev.kubesmith.spec.ClusterSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostPreparationTest {
  private static final ClusterSpec SPEC = SeedCluster.ha();

  /** Exit code and combined output of a command, waiting at most 60 s. */
  private record Run(int exit, String output) {}

  private static Run run(Path dir, String... command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(command));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished in time", cmd).isTrue();
    return new Run(p.exitValue(), out);
  }

  private static Path script(Path dir, String host) throws IOException {
    return Files.writeString(dir.resolve("prepare-" + host + ".sh"), HostPreparation.script(SPEC, SPEC.requireHost(host)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"master1", "worker1", "lb1", "bastion", "nfs1"})
  void rendersAScriptThatPassesShellcheck(String host, @TempDir Path dir) throws Exception {
    Path script = script(dir, host);

    Run r = run(dir, "/usr/bin/shellcheck", "--shell=bash", "--severity=style", script.toString());

    assertThat(r.exit()).as("shellcheck of the script for %s:%n%s", host, r.output()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"master1", "lb1", "bastion"})
  void rendersAScriptBashCanParse(String host, @TempDir Path dir) throws Exception {
    Path script = script(dir, host);

    Run r = run(dir, "bash", "-n", script.toString());

    assertThat(r.exit()).as("bash -n of the script for %s:%n%s", host, r.output()).isZero();
  }

  @Test
  void choosesTheModeFromTheRoles() {
    assertThat(HostPreparation.mode(SPEC.requireHost("master1"))).isEqualTo("node");
    assertThat(HostPreparation.mode(SPEC.requireHost("worker1"))).isEqualTo("node");
    assertThat(HostPreparation.mode(SPEC.requireHost("lb1"))).isEqualTo("lb");
    assertThat(HostPreparation.mode(SPEC.requireHost("bastion"))).isEqualTo("base");
    assertThat(HostPreparation.mode(SPEC.requireHost("nfs1"))).isEqualTo("base");
  }

  @Test
  void fillsInTheHostModeAndPinnedVersion() {
    ClusterSpec spec = SeedCluster.haBuilder().kubernetesVersion("1.30.5").build();

    String script = HostPreparation.script(spec, spec.requireHost("worker2"));

    assertThat(script).startsWith("#!/usr/bin/env bash\n")
        .contains("HOST_NAME_FILE=\"${KUBESMITH_HOST_NAME_FILE:-/etc/kubesmith/host-name}\"", "MODE=\"node\"", "K8S_VERSION=\"1.30.5\"", "K8S_MINOR=\"v1.30\"")
        .contains("set -euo pipefail", "--check")
        .doesNotContain("worker2", "@HOST_NAME_FILE@", "@MODE@", "@K8S_VERSION@", "@K8S_MINOR@");
  }

  @Test
  void listsItselfAndTheInfrastructureHostsButNoOtherWorkerInTheHostsBlock() {
    String block = HostPreparation.hostsBlock(SPEC, SPEC.requireHost("worker1"));

    assertThat(block.lines().toList()).containsExactly("192.168.4.10 bastion", "192.168.4.21 lb1", "192.168.4.22 lb2",
        "192.168.4.31 master1", "192.168.4.32 master2", "192.168.4.33 master3", "192.168.4.41 worker1",
        "192.168.4.50 nfs1");
    assertThat(HostPreparation.hostsBlock(SPEC, SPEC.requireHost("master1")).lines()).doesNotContain(
        "192.168.4.41 worker1", "192.168.4.42 worker2").contains("192.168.4.31 master1");
  }

  @Test
  void keepsTheHostsBlockTheSameSizeWhateverTheWorkerCount() {
    ClusterSpec small = SeedCluster.haBuilder().hosts(workers(10)).build();
    ClusterSpec large = SeedCluster.haBuilder().hosts(workers(1000)).build();

    String inSmall = HostPreparation.hostsBlock(small, small.requireHost("worker7"));
    String inLarge = HostPreparation.hostsBlock(large, large.requireHost("worker7"));

    assertThat(inLarge).isEqualTo(inSmall);
    assertThat(inLarge.lines()).hasSize(8);
  }

  private static List<dev.kubesmith.spec.Host> workers(int n) {
    List<dev.kubesmith.spec.Host> hosts = new ArrayList<>(SeedCluster.haHosts().stream()
        .filter(h -> !h.has(dev.kubesmith.spec.Role.WORKER)).toList());
    for (int i = 1; i <= n; i++) {
      hosts.add(dev.kubesmith.spec.Host.of("worker" + i, "192.168." + (5 + i / 250) + "." + (1 + i % 250),
          dev.kubesmith.spec.Role.WORKER));
    }
    return hosts;
  }

  @Test
  void setsBridgeSysctlsOnNodes() {
    assertThat(HostPreparation.sysctl(SPEC.requireHost("worker1")))
        .contains("net.bridge.bridge-nf-call-iptables = 1", "net.ipv4.ip_forward = 1")
        .doesNotContain("ip_nonlocal_bind");
    assertThat(HostPreparation.modules()).isEqualTo("overlay\nbr_netfilter\n");
  }
}
