package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubesmith apply} without hosts: its help and invalid input (nothing is contacted or written). */
class ApplyCommandTest {
  @TempDir
  Path tmp;

  @Test
  void helpListsEveryOptionAndEveryExitCode() {
    CliRun run = CliRun.of("apply", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).contains("--inventory", "--vip", "--public-vip", "--pod-cidr", "--service-cidr", "--name",
        "--mirror", "--ssh-user", "--ssh-key", "--known-hosts", "--trust-on-first-use", "--bastion", "--state-dir",
        "--parallelism", "--plain", "Exit codes:");
    assertThat(run.out()).containsPattern("(?m)^\\s+0\\s+ok")
        .containsPattern("(?m)^\\s+1\\s+invalid input")
        .containsPattern("(?m)^\\s+2\\s+usage error")
        .containsPattern("(?m)^\\s+3\\s+upstream/mirror or I/O failure")
        .containsPattern("(?m)^\\s+4\\s+internal error")
        .containsPattern("(?m)^\\s+5\\s+apply: the build failed")
        .containsPattern("(?m)^\\s+6\\s+apply: another build");
  }

  @Test
  void planAndTheTopLevelHelpListTheSameExitCodes() {
    for (String[] args : new String[][] {{"--help"}, {"plan", "--help"}}) {
      CliRun run = CliRun.of(args);
      assertThat(run.out()).contains("apply").containsPattern("(?m)^\\s+5\\s+apply: the build failed")
          .containsPattern("(?m)^\\s+6\\s+apply: another build");
    }
  }

  @Test
  void invalidInputListsEveryProblemExitsOneAndContactsNothing() {
    Path state = tmp.resolve("state");

    // clusterb's hosts (10.20.0.x) are not reachable from here: a contacted host would fail differently and slowly.
    CliRun run = CliRun.of("apply", "--inventory", CliRun.sample("clusterb_hosts").toString(),
        "--mirror", CliRun.mirror().toString(), "--pod-cidr", "10.0.0.0/33",
        "--ssh-key", tmp.resolve("no_such_key").toString(), "--parallelism", "0",
        "--state-dir", state.toString(), "--plain");

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).hasSize(3).allMatch(l -> l.startsWith("error: "))
        .anySatisfy(l -> assertThat(l).contains("--pod-cidr", "10.0.0.0/33"))
        .anySatisfy(l -> assertThat(l).contains("--ssh-key", "no_such_key"))
        .anySatisfy(l -> assertThat(l).contains("--parallelism 0"));
    assertThat(run.out()).isEmpty();
    assertThat(state).doesNotExist();
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void aStateDirThatIsAFileAndAMissingKnownHostsFileAreInvalidInput() throws Exception {
    Path file = java.nio.file.Files.writeString(tmp.resolve("state"), "x");

    CliRun run = CliRun.of("apply", "--inventory", CliRun.sample("clusterb_hosts").toString(),
        "--mirror", CliRun.mirror().toString(), "--state-dir", file.toString(),
        "--known-hosts", tmp.resolve("known_hosts").toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.err()).contains("--state-dir " + file, "--known-hosts", "--trust-on-first-use");
    assertThat(run.out()).isEmpty();
    assertThat(tmp.resolve("known_hosts")).doesNotExist();
  }

  @Test
  void aBundleThatDoesNotMatchItsManifestIsInvalidInputWithTheOtherProblemsAndContactsNothing() throws Exception {
    java.nio.file.Path bundle = java.nio.file.Files.createDirectories(tmp.resolve("bundle/pool"));
    java.nio.file.Files.writeString(bundle.resolve("haproxy.deb"), "changed on the way");
    java.nio.file.Files.writeString(bundle.resolve("extra.deb"), "not listed");
    java.nio.file.Files.writeString(tmp.resolve("bundle/MANIFEST.sha256"), "0".repeat(64) + "  pool/haproxy.deb\n"
        + "1".repeat(64) + "  Packages\n");

    CliRun run = CliRun.of("apply", "--inventory", CliRun.sample("clusterb_hosts").toString(),
        "--mirror", CliRun.mirror().toString(), "--bundle", tmp.resolve("bundle").toString(), "--pod-cidr", "10.0.0.0/33",
        "--state-dir", tmp.resolve("state").toString(), "--plain");

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).anySatisfy(l -> assertThat(l).contains("--bundle " + tmp.resolve("bundle"),
        "pool/haproxy.deb changed", "Packages is missing", "pool/extra.deb is not in the manifest",
        "kubesmith installs nothing from it"))
        .anySatisfy(l -> assertThat(l).contains("--pod-cidr", "10.0.0.0/33"));
    assertThat(run.out()).isEmpty();
    assertThat(tmp.resolve("state")).doesNotExist();
  }
}
