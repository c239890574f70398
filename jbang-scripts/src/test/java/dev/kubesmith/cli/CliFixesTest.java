package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CLI users get fixes in CLI terms: options instead of Java setters, the syntax of their inventory. */
class CliFixesTest {
  @TempDir
  Path tmp;

  @Test
  void publicPodCidrNamesThePodCidrOptionNotTheJavaSetter() {
    // when the pod CIDR given on the command line is public
    CliRun run = CliRun.of("plan", "--inventory", CliRun.sample("clustera_hosts").toString(), "--vip", "192.168.4.100",
        "--pod-cidr", "128.0.0.0/1", "--mirror", CliRun.mirror().toString(), "--out", tmp.resolve("out").toString());

    // then the error names the option and an option to type
    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.err()).contains("--pod-cidr = 128.0.0.0/1: is not a private range")
        .contains("choose e.g. --pod-cidr 10.0.0.0/16")
        .doesNotContain("podCidr(").doesNotContain("network.podCidr");
  }

  @Test
  void iniInventoryWithTwoMastersGetsAFixInIniTerms() throws Exception {
    // given an Ansible INI inventory with two masters and a pair of load balancers
    Path ini = Files.writeString(tmp.resolve("hosts.ini"), """
        [kube_control_plane]
        master1 ansible_host=192.168.4.31
        master2 ansible_host=192.168.4.32
        [kube_node]
        worker1 ansible_host=192.168.4.41
        [lb]
        lb1 ansible_host=203.0.113.21 ip=192.168.4.21
        lb2 ansible_host=203.0.113.22 ip=192.168.4.22
        """);

    // when it is planned
    CliRun run = CliRun.of("plan", "--inventory", ini.toString(), "--vip", "192.168.4.100",
        "--mirror", CliRun.mirror().toString(), "--out", tmp.resolve("out").toString());

    // then the fix says how many hosts to put in which INI group, not masters(3)
    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.err()).contains("use 3 hosts in [kube_control_plane] or 5 hosts in [kube_control_plane]")
        .doesNotContain("masters(3)").doesNotContain("Cluster.");
  }

  @Test
  void hostsFileWithTwoMastersGetsAFixInHostsFileTerms() throws Exception {
    Path hosts = Files.writeString(tmp.resolve("two_masters"), """
        192.168.4.21 lb1 lb
        192.168.4.22 lb2 lb
        192.168.4.31 master1 master
        192.168.4.32 master2 master
        192.168.4.41 worker1 worker
        """);

    CliRun run = CliRun.of("plan", "--inventory", hosts.toString(), "--vip", "192.168.4.100",
        "--mirror", CliRun.mirror().toString(), "--out", tmp.resolve("out").toString());

    assertThat(run.err()).contains("use 3 hosts with role master or 5 hosts with role master")
        .doesNotContain("masters(3)");
  }

  /** Java that a CLI user cannot type: a setter call, a factory, a list's toString, a spec field path. */
  private static final java.util.regex.Pattern JAVA = java.util.regex.Pattern.compile(
      "[a-z][A-Za-z]+\\((\"|\\.\\.\\.|\\))|[A-Z][a-z]+\\.[a-z]+[A-Za-z]*\\(|\\[[\\w.-]+, [\\w.-]+|components\\[|settings\\.");

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "--addons traefik --ingress-nodes worker9",
      "--addons traefik --ingress-nodes ,worker1",
      "--addons traefik --ingress-nodes lb1",
      "--addons traefik --ingress-nodes worker1,worker1",
      "--lb-private-interface eth0/1",
      "--lb-public-interface a-name-longer-than-fifteen",
      "--lb-private-interface eth0/1 --lb-public-interface eth 1",
      "--addons traefik,kube-prometheus,logging --domain Not_A_Domain",
      "--pod-cidr 10.0.0.0/33",
      "--registry-mirror https://registry.example.com/v2",
      "--service-cidr 8.8.0.0/16"})
  void everyOptionErrorNamesTheOptionAndAFixInCliTerms(String options) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("plan", "--inventory",
        CliRun.sample("clustera_hosts").toString(), "--vip", "192.168.4.100", "--public-vip", "203.0.113.100",
        "--mirror", CliRun.mirror().toString(), "--out", tmp.resolve("out").toString()));
    args.addAll(java.util.List.of(options.split(" (?=--)")).stream()
        .flatMap(o -> java.util.stream.Stream.of(o.split(" ", 2))).toList());

    CliRun run = CliRun.of(args.toArray(String[]::new));

    assertThat(run.exitCode()).as(run.err()).isEqualTo(KubesmithCli.INVALID_INPUT);
    String option = options.split(" ")[0].equals("--addons") ? options.split(" ")[2] : options.split(" ")[0];
    assertThat(run.err()).as("names %s", option).contains(option);
    run.err().lines().forEach(line -> assertThat(JAVA.matcher(line).find()).as("Java in the CLI's error: %s", line).isFalse());
    assertThat(tmp.resolve("out")).doesNotExist();
  }
}
