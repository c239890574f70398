package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A single-valued option given twice is a usage error naming it, never "the last one wins". */
class RepeatedOptionTest {
  @TempDir
  Path tmp;

  @Test
  void planRefusesARepeatedVipNamingTheOption() {
    Path out = tmp.resolve("out");

    CliRun run = CliRun.of("plan", "--inventory", CliRun.sample("clustera_hosts").toString(), "--vip", "192.168.4.100",
        "--vip", "192.168.4.101", "--public-vip", "203.0.113.100", "--mirror", CliRun.mirror().toString(),
        "--out", out.toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.USAGE);
    assertThat(run.err()).contains("--vip").contains("only once");
    assertThat(Files.exists(out)).isFalse();
  }

  @Test
  void applyRefusesARepeatedSshKeyNamingTheOption() {
    CliRun run = CliRun.of("apply", "--inventory", CliRun.sample("clusterb_hosts").toString(), "--ssh-key", "a",
        "--ssh-key", "b", "--state-dir", tmp.resolve("state").toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.USAGE);
    assertThat(run.err()).contains("--ssh-key").contains("only once");
  }

  @Test
  void repeatableOptionsStayRepeatable() {
    CliRun run = CliRun.of("plan", "--inventory", CliRun.sample("clustera_hosts").toString(), "--vip", "192.168.4.100",
        "--public-vip", "203.0.113.100", "--mirror", CliRun.mirror().toString(), "--addons", "rook-ceph",
        "--addons", "traefik", "--out", tmp.resolve("out").toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
  }
}
