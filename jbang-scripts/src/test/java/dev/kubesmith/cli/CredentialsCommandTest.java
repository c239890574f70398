package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubesmith.addons.monitoring.KubePrometheus;
import dev.kubesmith.exec.Journal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubesmith credentials}, and {@code apply} keeping the generated web UI passwords in the state
 * directory. The apply runs against a state directory whose lock the test holds, so it stops (exit 6)
 * before any host is contacted, after the passwords were kept.
 */
class CredentialsCommandTest {
  private static final Pattern PASSWORD = Pattern.compile("kube-prometheus\\.user\\.admin=(\\S+)");

  @TempDir
  Path tmp;

  private CliRun applyWithWebUis(Path state) {
    return CliRun.of("apply", "--inventory", CliRun.sample("clusterb_hosts").toString(),
        "--mirror", CliRun.mirror().toString(), "--addons", "rook-ceph,traefik,kube-prometheus,logging",
        "--domain", "example.com", "--state-dir", state.toString(), "--plain");
  }

  @Test
  void applyKeepsTheGeneratedPasswordsInAPrivateFileAndCredentialsPrintsThem() throws Exception {
    Path state = tmp.resolve("state");
    CliRun apply;
    try (Journal held = Journal.open(state)) {
      apply = applyWithWebUis(state);
    }
    Path file = state.resolve("credentials");
    Matcher m = PASSWORD.matcher(Files.readString(file));
    assertThat(m.find()).as(Files.readString(file)).isTrue();
    String password = m.group(1);

    CliRun run = CliRun.of("credentials", "--state-dir", state.toString());

    assertThat(apply.exitCode()).as(apply.err()).isEqualTo(KubesmithCli.BUILD_LOCKED);
    assertThat(apply.out()).contains("kubesmith credentials --state-dir " + state).doesNotContain(password);
    assertThat(apply.err()).doesNotContain(password);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines()).contains("kube-prometheus: user admin, password " + password
            + ", at https://prometheus.example.com https://alertmanager.example.com https://grafana.example.com")
        .anySatisfy(l -> assertThat(l).startsWith("logging: user admin, password ").endsWith("at https://kibana.example.com"))
        .endsWith("(from " + file + ")");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void aLaterApplyKeepsTheStoredPasswordsAndWritesNothingNew() throws Exception {
    Path state = tmp.resolve("state");
    try (Journal held = Journal.open(state)) {
      applyWithWebUis(state);
      String first = Files.readString(state.resolve("credentials"));

      CliRun again = applyWithWebUis(state);

      assertThat(Files.readString(state.resolve("credentials"))).isEqualTo(first);
      assertThat(again.out()).doesNotContain("generated passwords");
    }
  }

  @Test
  void theStoredPasswordIsTheOneTheClusterGetsAgain() {
    ClusterOptions options = new ClusterOptions();
    options.addons = List.of("kube-prometheus");
    options.domain = "example.com";
    options.storedCredentials = Map.of("kube-prometheus.user.admin", "stored-password-1234567890");

    KubePrometheus kp = (KubePrometheus) options.addons(new Failures()).orElseThrow().get(0);

    assertThat(kp.basicAuth().orElseThrow().users()).containsExactly("admin");
    assertThat(kp.basicAuth().orElseThrow().generatedPasswords()).isEmpty();
    assertThat(org.bouncycastle.crypto.generators.OpenBSDBCrypt.checkPassword(
        kp.basicAuth().orElseThrow().htpasswd().split(":", 2)[1].strip(), "stored-password-1234567890".toCharArray()))
        .isTrue();
  }

  @Test
  void withoutGeneratedPasswordsItSaysHowToGetThem() {
    Path state = tmp.resolve("state");

    CliRun run = CliRun.of("credentials", "--state-dir", state.toString());

    assertThat(run.exitCode()).isEqualTo(KubesmithCli.INVALID_INPUT);
    assertThat(run.err()).contains(state.resolve("credentials") + ": no generated passwords", "--addons kube-prometheus");
    assertThat(state).doesNotExist();
  }

  @Test
  void warnsWhenTheFileIsReadableByOthers() throws Exception {
    Path state = Files.createDirectories(tmp.resolve("state"));
    Path file = Files.writeString(state.resolve("credentials"), "logging.user.admin=pw\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    CliRun run = CliRun.of("credentials", "--state-dir", state.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEqualTo("warning: " + file + " is readable by other users; chmod 600 it\n");
    assertThat(run.out()).startsWith("logging: user admin, password pw\n");
  }
}
