package dev.kubesmith.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code jbang-scripts/jbang jbang-scripts/SCRIPT args} from the repository root, as a
 * separate process, with what it printed. The wrapper is told to use the artifacts of this build's local
 * repository as they are ({@code KUBESMITH_SDK_INSTALL=never}, {@code KUBESMITH_MAVEN_REPO}), so a
 * test never starts a nested Maven build.
 */
record JBangRun(int exitCode, String out, String err) {
  static JBangRun of(String script, String... args) throws IOException, InterruptedException {
    return of(Map.of(), script, args);
  }

  /** With {@code env} added to (or replacing) the wrapper's environment. */
  static JBangRun of(Map<String, String> env, String script, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", "jbang-scripts/jbang", "jbang-scripts/" + script));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("jbang-out", ".txt");
    Path err = Files.createTempFile("jbang-err", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(CliRun.repoRoot().toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().put("KUBESMITH_SDK_INSTALL", "never");
      // The repository this Maven build uses, explicitly: JBang's default follows $HOME, Maven's the
      // Java user.home, and they differ when HOME is not the user's home directory.
      pb.environment().put("KUBESMITH_MAVEN_REPO", mavenRepository());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("jbang " + script + " did not finish in 5 minutes; stderr: " + Files.readString(err));
      }
      return new JBangRun(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The local repository of the Maven build running the tests (set by the pom for surefire). */
  static String mavenRepository() {
    String repo = System.getProperty("kubesmith.test.maven.repo");
    if (repo == null || repo.isBlank() || repo.contains("${")) {
      throw new IllegalStateException("the system property kubesmith.test.maven.repo is not set; run the test with "
          + "Maven (jbang-scripts/pom.xml sets it to the build's local repository)");
    }
    return repo;
  }

  /**
   * A fresh cache for the wrapper under {@code dir}, holding only the JBang jar of the user's cache
   * (hard-linked: it is fetched once, from Maven Central), so JBang resolves every dependency anew.
   */
  static Path freshCache(Path dir) throws IOException {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path user = Path.of(xdg != null && !xdg.isEmpty() ? xdg : System.getenv("HOME") + "/.cache", "kubesmith");
    Path cache = Files.createDirectories(dir);
    try (var jars = Files.walk(user.resolve("jbang-cli"))) {
      for (Path jar : jars.filter(p -> p.toString().endsWith("-all.jar")).toList()) {
        Path link = cache.resolve(user.relativize(jar));
        Files.createDirectories(link.getParent());
        try {
          Files.createLink(link, jar);
        } catch (IOException | UnsupportedOperationException e) { // another file system
          Files.copy(jar, link);
        }
      }
    }
    return cache;
  }
}
