package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubesmith status} without a cluster: its help and invalid input (nothing is contacted). */
class StatusCommandTest {
  @TempDir
  Path tmp;

  @Test
  void helpListsEveryOptionAndEveryExitCode() {
    CliRun run = CliRun.of("status", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("--inventory", "--ssh-user", "--ssh-key", "--key-passphrase-file",
        SshOptions.PASSPHRASE_ENV, "--known-hosts", "--trust-on-first-use", "--bastion", "--state-dir", "--kubeconfig",
        "--addons", "Exit codes:")
        .containsPattern("(?m)^\\s+7\\s+status: the cluster answered but is not healthy")
        .containsPattern("(?m)^\\s+8\\s+status: the API server or a host could not be reached");
  }

  @Test
  void everyCommandsHelpListsTheStatusExitCodes() {
    for (String[] args : new String[][] {{"--help"}, {"plan", "--help"}, {"apply", "--help"}}) {
      assertThat(CliRun.of(args).out()).contains("status").containsPattern("(?m)^\\s+7\\s+status: ")
          .containsPattern("(?m)^\\s+8\\s+status: ");
    }
  }

  @Test
  void withoutAnAdminConfItNamesTheFileAndTheFix() {
    CliRun run = CliRun.of("status", "--inventory", CliRun.sample("clusterb_hosts").toString(),
        "--state-dir", tmp.toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).singleElement().asString()
        .contains("admin.conf " + tmp.resolve("admin.conf"), "run 'kubesmith apply' first", "--kubeconfig");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aFileThatIsNoKubeconfigAndAnEmptyPassphraseFileAreEachReported() throws Exception {
    Path notKubeconfig = Files.writeString(tmp.resolve("admin.conf"), "hello: world\n");
    Path emptyPassphrase = Files.writeString(tmp.resolve("passphrase"), "\n");
    Path key = Files.writeString(tmp.resolve("id_ed25519"), "not really a key\n");

    CliRun run = CliRun.of("status", "--inventory", CliRun.sample("clusterb_hosts").toString(),
        "--kubeconfig", notKubeconfig.toString(), "--ssh-key", key.toString(),
        "--key-passphrase-file", emptyPassphrase.toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).hasSize(2)
        .anySatisfy(l -> assertThat(l).contains("--kubeconfig " + notKubeconfig, "is not a kubeconfig"))
        .anySatisfy(l -> assertThat(l).contains("--key-passphrase-file " + emptyPassphrase, "first line is empty"));
  }

  @Test
  void aMissingPassphraseFileIsInvalidInputForApplyToo() {
    CliRun run = CliRun.of("apply", "--inventory", CliRun.sample("clusterb_hosts").toString(),
        "--mirror", CliRun.mirror().toString(), "--key-passphrase-file", tmp.resolve("nope").toString(),
        "--state-dir", tmp.resolve("state").toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.errLines()).singleElement().asString()
        .contains("--key-passphrase-file " + tmp.resolve("nope"), "no such readable file", "first line");
    assertThat(tmp.resolve("state")).doesNotExist();
  }

  @Test
  void anEmptyPassphraseVariableIsReported() {
    SshOptions options = new SshOptions();
    options.environment = java.util.Map.of(SshOptions.PASSPHRASE_ENV, "");
    Failures failures = new Failures();

    assertThat(options.ssh(failures)).isEmpty();
    assertThat(failures.count()).isEqualTo(1);
  }

  @Test
  void thePassphraseVariableIsUsedAndNeverShown() {
    SshOptions options = new SshOptions();
    options.environment = java.util.Map.of(SshOptions.PASSPHRASE_ENV, "s3cret");

    var ssh = options.ssh(new Failures()).orElseThrow();

    assertThat(ssh.passphrase()).hasValueSatisfying(p -> assertThat(new String(p)).isEqualTo("s3cret"));
    assertThat(ssh.toString()).doesNotContain("s3cret");
  }
}
