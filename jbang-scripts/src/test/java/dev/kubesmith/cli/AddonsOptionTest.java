package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --addons} and {@code --domain} of {@code plan} and {@code apply}. */
class AddonsOptionTest {
  @TempDir
  Path tmp;

  private static CliRun planClusterA(Path out, String... extra) {
    String[] base = {"plan", "--inventory", CliRun.sample("clustera_hosts").toString(),
        "--vip", "192.168.4.100", "--public-vip", "203.0.113.100",
        "--mirror", CliRun.mirror().toString(), "--out", out.toString()};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CliRun.of(args);
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void planWithAllAddonsWritesEveryAddonsManifestsAndTheWildcardDomain() throws IOException {
    Path out = tmp.resolve("clustera");

    CliRun run = planClusterA(out, "--addons", "rook-ceph,kube-prometheus,traefik,logging", "--domain", "example.com");

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    List<String> manifests = names(out.resolve("cluster"));
    for (String addon : List.of("rook-ceph", "traefik", "kube-prometheus", "logging")) {
      assertThat(manifests).as("cluster/ manifests of " + addon).anyMatch(n -> n.startsWith(addon) && n.endsWith(".yaml"));
    }
    assertThat(Files.readString(out.resolve("plan.md"))).contains("*.example.com");
  }

  @Test
  void unknownAddonIsNamedWithTheChoicesExitsOneAndWritesNothing() {
    Path out = tmp.resolve("never");

    CliRun run = planClusterA(out, "--addons", "traefik,x");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).contains(
        "error: --addons: unknown addon 'x'; choose from rook-ceph, kube-prometheus, traefik, logging");
    assertThat(run.out()).isEmpty();
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void unknownAddonIsCollectedWithTheOtherProblems() {
    CliRun run = CliRun.of("plan", "--inventory", CliRun.sample("clustera_hosts").toString(),
        "--mirror", CliRun.mirror().toString(), "--out", tmp.resolve("never").toString(), "--addons", "x");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).hasSize(2)
        .anySatisfy(l -> assertThat(l).contains("unknown addon 'x'"))
        .anySatisfy(l -> assertThat(l).contains("--vip", "is missing"));
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void kubePrometheusAloneNamesTheMissingDependencies() {
    Path out = tmp.resolve("never");

    CliRun run = planClusterA(out, "--addons", "kube-prometheus", "--domain", "example.com");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("error: "));
    assertThat(run.err()).contains("kube-prometheus", "rook-ceph", "traefik");
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void ingressNodesPlaceTraefikAndTheLoadBalancersFollow() throws Exception {
    Path out = tmp.resolve("plan");

    CliRun run = planClusterA(out, "--addons", "traefik", "--ingress-nodes", "worker1,worker2");

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    String haproxy = java.nio.file.Files.readString(out.resolve("hosts/lb1/etc/haproxy/haproxy.cfg"));
    assertThat(haproxy).contains("server worker1 192.168.4.41:443 check", "server worker2 192.168.4.42:80 check")
        .doesNotContain("server master1 192.168.4.31:443");
    assertThat(java.nio.file.Files.readString(out.resolve("cluster/traefik.yaml"))).contains("kubernetes.io/hostname");
  }

  @Test
  void ingressNodesWithoutTraefikOrOnUnknownHostsAreErrors() {
    CliRun noTraefik = planClusterA(tmp.resolve("never"), "--addons", "rook-ceph", "--ingress-nodes", "worker1");
    CliRun unknown = planClusterA(tmp.resolve("never"), "--addons", "traefik", "--ingress-nodes", "worker9");

    assertThat(noTraefik.exitCode()).isEqualTo(1);
    assertThat(noTraefik.err()).contains("--ingress-nodes: places Traefik, but --addons has no traefik");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("--ingress-nodes = worker9: is not a host of the spec");
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void domainThatIsNotADnsNameIsAnError() {
    CliRun run = planClusterA(tmp.resolve("never"), "--addons", "traefik", "--domain", "Not a domain");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: --domain");
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void applyRejectsAnUnknownAddonBeforeContactingAnyHost() {
    CliRun run = CliRun.of("apply", "--inventory", CliRun.sample("clusterb_hosts").toString(),
        "--mirror", CliRun.mirror().toString(), "--state-dir", tmp.resolve("state").toString(),
        "--addons", "rook-ceph,nope");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).contains(
        "error: --addons: unknown addon 'nope'; choose from rook-ceph, kube-prometheus, traefik, logging");
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void helpOfPlanAndApplyListsAddonsAndDomain() {
    for (String command : List.of("plan", "apply")) {
      CliRun run = CliRun.of(command, "--help");

      assertThat(run.exitCode()).as(command).isZero();
      assertThat(run.out()).as(command).contains("--addons", "rook-ceph, kube-prometheus, traefik, logging",
          "--domain=DOMAIN");
    }
  }
}
