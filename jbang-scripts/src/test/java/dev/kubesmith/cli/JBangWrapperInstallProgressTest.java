package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wrapper's first-run SDK install says what it does and how far it is, and points at Maven's full
 * output when it fails. Maven is a stand-in here (a script printing what {@code mvn -B} prints per
 * module): the real install takes a minute and is covered by {@link JBangWrapperTest}.
 */
class JBangWrapperInstallProgressTest {
  private static final String JBANG_CLI = "0.132.1";
  @TempDir
  Path tmp;

  @Test
  void firstInstallSaysItRunsOnceAndNamesEachModuleAsMavenBuildsIt() throws Exception {
    // given a repository whose Maven builds two modules and installs the SDK
    Path repo = repository("""
        echo "[INFO] Scanning for projects..."
        echo "[INFO] Building kubesmith parent 0.1.0-SNAPSHOT                          [1/2]"
        echo "[INFO] Building kubesmith sdk-core 0.1.0-SNAPSHOT                        [2/2]"
        mkdir -p "$m2/dev/kubesmith/sdk-core/0.1.0-SNAPSHOT"
        """);

    // when a script depending on sdk-core runs for the first time
    Result r = run(repo);

    // then stderr says what happens, that it happens once, how long it takes, and each module
    assertThat(r.err).contains("jbang: installing the kubesmith SDK into " + tmp.resolve("m2"))
        .contains("this happens once").contains("about a minute")
        .contains("jbang: building kubesmith parent 0.1.0-SNAPSHOT (1/2)")
        .contains("jbang: building kubesmith sdk-core 0.1.0-SNAPSHOT (2/2)")
        .contains("jbang: the kubesmith SDK is installed")
        .doesNotContain("Scanning for projects");
  }

  @Test
  void failedInstallPointsAtALogWithMavensFullOutput() throws Exception {
    // given a repository whose Maven fails to compile
    Path repo = repository("""
        echo "[INFO] Building kubesmith sdk-core 0.1.0-SNAPSHOT                        [1/1]"
        echo "[ERROR] Foo.java:[3,1] class, interface, enum, or record expected"
        exit 1
        """);

    // when a script depending on sdk-core runs
    Result r = run(repo);

    // then the wrapper fails, names the log, and the log holds Maven's error
    Path log = tmp.resolve("cache/sdk-install.log");
    assertThat(r.exitCode).isEqualTo(125);
    assertThat(r.err).contains("installing the SDK failed; Maven's full output is in " + log);
    assertThat(Files.readString(log)).contains("[ERROR] Foo.java:[3,1] class, interface, enum, or record expected");
  }

  private record Result(int exitCode, String err) {}

  /** A repository with this wrapper, a stand-in mvnw running {@code body} (with $m2 set) and one script. */
  private Path repository(String body) throws IOException {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.createDirectories(repo.resolve("jbang-scripts"));
    Files.createDirectories(repo.resolve("sdk-core/src/main"));
    Files.writeString(repo.resolve("pom.xml"), "<project/>\n");
    Path wrapper = repo.resolve("jbang-scripts/jbang");
    Files.copy(CliRun.repoRoot().resolve("jbang-scripts/jbang"), wrapper);
    executable(wrapper);
    Path mvnw = repo.resolve("mvnw");
    Files.writeString(mvnw, "#!/usr/bin/env bash\nfor a in \"$@\"; do case $a in -Dmaven.repo.local=*) m2=${a#*=};; esac; done\n"
        + body);
    executable(mvnw);
    Files.writeString(repo.resolve("Hello.java"), "//DEPS dev.kubesmith:sdk-core:0.1.0-SNAPSHOT\nclass Hello {}\n");
    // JBang itself is present already (a placeholder jar): only the SDK install is under test.
    Path jar = tmp.resolve("cache/jbang-cli/" + JBANG_CLI + "/jbang-cli-" + JBANG_CLI + "-all.jar");
    Files.createDirectories(jar.getParent());
    Files.writeString(jar, "not a jar");
    return repo;
  }

  private Result run(Path repo) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(repo.resolve("jbang-scripts/jbang").toString(), "Hello.java")
        .directory(repo.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("KUBESMITH_CACHE_DIR", tmp.resolve("cache").toString());
    pb.environment().put("KUBESMITH_MAVEN_REPO", tmp.resolve("m2").toString());
    pb.environment().remove("KUBESMITH_SDK_INSTALL");
    Path err = tmp.resolve("stderr");
    Process p = pb.redirectError(err.toFile()).redirectOutput(tmp.resolve("stdout").toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("wrapper finished").isTrue();
    return new Result(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
  }

  private static void executable(Path file) throws IOException {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
