package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.addons.ingress.Traefik;
import dev.kubesmith.cluster.Cluster;
import dev.kubesmith.cluster.Ssh;
import dev.kubesmith.spec.Inventory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --spec FILE}: a spec YAML is the whole cluster, never its hosts only; as {@code --inventory}
 * it is refused, saying to give it as {@code --spec}.
 */
class SpecOptionTest {
  @TempDir
  Path tmp;

  /** Clustera with both VIPs, its own pod CIDR, a bastion-named SSH setup and Traefik, as YAML. */
  private Path specYaml() throws IOException {
    Cluster c = Cluster.ha().inventory(Inventory.load(CliRun.sample("clustera_hosts"))).name("clustera")
        .vip("192.168.4.100").publicVip("203.0.113.100").podCidr("10.20.0.0/16")
        .ssh(Ssh.user("ops").bastion("bastion")).addons(Traefik.defaults()).build();
    return Files.writeString(tmp.resolve("clustera.yaml"), c.spec().toYaml());
  }

  @Test
  void aSpecYamlGivenAsInventoryIsRefusedSayingToUseSpec() throws IOException {
    Path spec = specYaml();
    Path out = tmp.resolve("out");

    CliRun run = CliRun.of("plan", "--inventory", spec.toString(), "--vip", "192.168.4.100",
        "--mirror", CliRun.mirror().toString(), "--out", out.toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.err()).contains("--inventory " + spec + ": is a cluster spec YAML", "give it as --spec " + spec);
    assertThat(Files.exists(out)).isFalse();
  }

  @Test
  void planFromASpecKeepsThePublicVipTheNetworkAndTheComponents() throws IOException {
    Path out = tmp.resolve("out");

    CliRun run = CliRun.of("plan", "--spec", specYaml().toString(), "--mirror", CliRun.mirror().toString(),
        "--out", out.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("Planned cluster 'clustera'");
    assertThat(Files.readString(out.resolve("hosts/lb1/etc/keepalived/keepalived.conf"))).contains("203.0.113.100");
    assertThat(Files.readString(out.resolve("plan.json"))).contains("10.20.0.0/16");
    try (var manifests = Files.list(out.resolve("cluster"))) {
      assertThat(manifests.map(p -> p.getFileName().toString())).anyMatch(n -> n.contains("traefik"));
    }
  }

  @Test
  void specWithOptionsItReplacesIsAUsageErrorNamingThem() throws IOException {
    CliRun run = CliRun.of("plan", "--spec", specYaml().toString(), "--vip", "192.168.4.101", "--addons", "traefik",
        "--out", tmp.resolve("out").toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.USAGE);
    assertThat(run.err()).contains("--vip, --addons: the spec ").contains("change them in the spec");
  }

  @Test
  void neitherInventoryNorSpecIsAUsageError() {
    CliRun run = CliRun.of("plan", "--out", tmp.resolve("out").toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.USAGE);
    assertThat(run.err()).contains("--inventory FILE", "--spec FILE");
  }

  @Test
  void theSshOptionsGivenReplaceTheSpecsAndTheRestOfItsSshStays() throws IOException {
    ClusterOptions options = new ClusterOptions();
    options.spec = specYaml();
    SshOptions ssh = new SshOptions();
    ssh.knownHosts = Files.writeString(tmp.resolve("known_hosts"), "");
    ssh.environment = java.util.Map.of(SshOptions.PASSPHRASE_ENV, "secret");
    Failures failures = new Failures();

    Optional<Cluster> cluster = options.cluster(ssh, failures);

    assertThat(failures.any()).isFalse();
    assertThat(cluster).hasValueSatisfying(c -> {
      assertThat(c.spec().ssh().user()).isEqualTo("ops");
      assertThat(c.spec().ssh().bastion()).contains("bastion");
      assertThat(c.spec().ssh().knownHosts()).contains(ssh.knownHosts.toString());
      assertThat(c.spec().publicVip()).contains("203.0.113.100");
      assertThat(c.ssh().flatMap(Ssh::passphrase)).hasValueSatisfying(p -> assertThat(new String(p)).isEqualTo("secret"));
    });
  }
}
