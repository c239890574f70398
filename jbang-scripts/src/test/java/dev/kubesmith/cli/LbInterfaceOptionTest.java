package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --lb-private-interface} / {@code --lb-public-interface}: the interfaces the VIPs float on. */
class LbInterfaceOptionTest {
  @TempDir
  Path tmp;

  private CliRun plan(Path inventory, Path out, String... extra) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("plan", "--inventory",
        inventory.toString(), "--mirror", CliRun.mirror().toString(), "--out", out.toString()));
    args.addAll(java.util.List.of(extra));
    return CliRun.of(args.toArray(String[]::new));
  }

  @Test
  void theGivenInterfacesAreTheOnesKeepalivedUses() throws IOException {
    Path out = tmp.resolve("out");

    CliRun run = plan(CliRun.sample("clustera_hosts"), out, "--vip", "192.168.4.100", "--public-vip", "203.0.113.100",
        "--lb-private-interface", "ens18", "--lb-public-interface", "ens19");

    assertThat(run.exitCode()).as(run.err()).isZero();
    String keepalived = Files.readString(out.resolve("hosts/lb1/etc/keepalived/keepalived.conf"));
    assertThat(keepalived).contains("interface ens18\n", "interface ens19\n");
  }

  @Test
  void aBadInterfaceNameIsInvalidInputNamingTheOption() {
    CliRun run = plan(CliRun.sample("clustera_hosts"), tmp.resolve("out"), "--vip", "192.168.4.100",
        "--lb-private-interface", "eth0/1");

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.err()).contains("--lb-private-interface = eth0/1: is not a network interface name");
  }

  @Test
  void onASingleMasterClusterTheyAreRefused() {
    CliRun run = plan(CliRun.sample("clusterb_hosts"), tmp.resolve("out"), "--lb-public-interface", "ens19");

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.err()).contains("--lb-public-interface: the inventory ").contains("has no load balancers");
  }
}
