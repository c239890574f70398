package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jbang-scripts/jbang}, the wrapper every script and the CLI run through, as a separate process. */
class JBangWrapperTest {
  @TempDir
  Path tmp;

  @Test
  void runsAScriptFromTheGivenMavenRepositoryWhenHomeIsElsewhere() throws Exception {
    // given a HOME that is not the user's home (its ~/.m2 holds no SDK), and no class path JBang resolved before
    Path home = Files.createDirectories(tmp.resolve("home"));
    Path plan = tmp.resolve("plan");

    // when
    JBangRun run = JBangRun.of(Map.of("HOME", home.toString(), "KUBESMITH_CACHE_DIR",
        JBangRun.freshCache(tmp.resolve("cache")).toString()),
        "TakeBackup.java", "--inventory", CliRun.sample("clustera_hosts").toString(), "--vip", "192.168.4.100",
        "--mirror", CliRun.mirror().toString(), "--plan", plan.toString());

    // then the SDK came from KUBESMITH_MAVEN_REPO, the build's repository, and nothing went to $HOME/.m2
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(plan.resolve("cluster/velero.yaml")).isRegularFile();
    assertThat(home.resolve(".m2")).doesNotExist();
  }
}
