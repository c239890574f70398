package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code kubesmith} command itself: help, exit codes, logging. */
class KubesmithCliTest {
  @Test
  void helpListsThePlanCommandAndTheExitCodes() {
    CliRun run = CliRun.of("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("plan", "Exit codes:");
    assertThat(run.out()).containsPattern("(?m)^\\s+0\\s+ok")
        .containsPattern("(?m)^\\s+1\\s+invalid input")
        .containsPattern("(?m)^\\s+2\\s+usage error")
        .containsPattern("(?m)^\\s+3\\s+upstream/mirror or I/O failure");
  }

  @Test
  void planHelpListsEveryOptionOfTheContractAndTheExitCodes() {
    CliRun run = CliRun.of("plan", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("--inventory", "--out", "--vip", "--public-vip", "--pod-cidr", "--service-cidr",
        "--name", "--mirror", "Exit codes:", "3   upstream/mirror");
  }

  @Test
  void withoutACommandItIsAUsageError() {
    CliRun run = CliRun.of();

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.USAGE);
    assertThat(run.err()).contains("plan");
  }

  @Test
  void unknownCommandIsAUsageError() {
    CliRun run = CliRun.of("apply-everything");

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.USAGE);
    assertThat(run.err()).contains("apply-everything");
  }

  @Test
  void sdkLogsOnlyWarningsAndErrorsByDefault() {
    Logger log = LoggerFactory.getLogger("dev.kubesmith.cluster");

    assertThat(log.getClass().getName()).startsWith("org.slf4j.simple.");
    assertThat(log.isWarnEnabled()).isTrue();
    assertThat(log.isInfoEnabled()).isFalse();
  }

  @Test
  void versionPrintsTheProjectVersion() throws java.io.IOException {
    String pom = java.nio.file.Files.readString(CliRun.repoRoot().resolve("pom.xml"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("<artifactId>kubesmith-parent</artifactId>\\s*"
        + "<version>([^<]+)</version>").matcher(pom);
    assertThat(m.find()).isTrue();

    CliRun run = CliRun.of("--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo("kubesmith " + m.group(1) + "\n");
  }

  @Test
  void ingressNodesWithoutAnyAddonsIsRefusedNamingTheOption() {
    CliRun run = CliRun.of("plan", "--inventory", CliRun.sample("clustera_hosts").toString(), "--vip", "192.168.4.100",
        "--public-vip", "203.0.113.100", "--ingress-nodes", "worker1", "--out", "unused-out");

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).contains("error: --ingress-nodes: places Traefik, but --addons has no traefik; add "
        + "traefik to --addons or drop --ingress-nodes");
  }
}
