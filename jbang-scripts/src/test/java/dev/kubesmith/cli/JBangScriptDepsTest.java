package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * What the {@code //DEPS} lines of every JBang script give it: the scripts of jbang-scripts/ and the
 * JBang programs the README and docs show. The SDK logs through slf4j only and ships no provider, so
 * a script without one prints "No SLF4J providers were found" on its first log line.
 */
class JBangScriptDepsTest {
  private static final Pattern DEPS = Pattern.compile("(?m)^//DEPS\\s+([\\w.-]+):([\\w.-]+):([\\w.-]+)\\s*$");

  @Test
  void everyJBangScriptDeclaresAnSlf4jProvider() throws IOException {
    Map<String, String> withoutProvider = new LinkedHashMap<>();
    scripts().forEach((name, source) -> {
      List<String> providers = new ArrayList<>();
      Matcher m = DEPS.matcher(source);
      while (m.find()) {
        if (m.group(1).equals("org.slf4j") && isProvider(m.group(1), m.group(2), m.group(3))) {
          providers.add(m.group(2));
        }
      }
      if (providers.isEmpty()) {
        withoutProvider.put(name, String.join(", ", depsOf(source)));
      }
    });

    assertThat(scripts()).containsKeys("kubesmith.java", "AddWorker.java", "TakeBackup.java");
    assertThat(scripts().keySet()).as("the README's JBang snippet").anyMatch(k -> k.startsWith("README.md:"));
    assertThat(withoutProvider).as("scripts whose //DEPS name no slf4j provider, with their //DEPS").isEmpty();
  }

  @Test
  void aScriptRunThroughJBangLogsWithoutAnSlf4jWarning() throws Exception {
    Path plan = Files.createTempDirectory("plan").resolve("out");

    JBangRun run = JBangRun.of("MonitoringOnExistingCluster.java", "--inventory",
        CliRun.sample("clustera_hosts").toString(), "--domain", "example.com", "--mirror", CliRun.mirror().toString(),
        "--plan", plan.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).doesNotContain("SLF4J");
  }

  /** A jar of the build's repository that registers an {@code SLF4JServiceProvider} (slf4j 2). */
  private static boolean isProvider(String group, String artifact, String version) {
    Path jar = Path.of(JBangRun.mavenRepository(), group.replace('.', '/'), artifact, version,
        artifact + "-" + version + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is not in the build's repository: a //DEPS no build resolves");
    }
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.getEntry("META-INF/services/org.slf4j.spi.SLF4JServiceProvider") != null;
    } catch (IOException e) {
      throw new IllegalStateException(jar + ": " + e.getMessage(), e);
    }
  }

  private static List<String> depsOf(String source) {
    List<String> deps = new ArrayList<>();
    Matcher m = DEPS.matcher(source);
    while (m.find()) {
      deps.add(m.group(1) + ":" + m.group(2));
    }
    return deps;
  }

  /** Script name (or "FILE.md:LINE" of a snippet) to its source: every file or snippet that is a JBang script. */
  private static Map<String, String> scripts() throws IOException {
    Map<String, String> scripts = new LinkedHashMap<>();
    Path root = CliRun.repoRoot();
    try (Stream<Path> files = Files.list(root.resolve("jbang-scripts"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        scripts.put(f.getFileName().toString(), Files.readString(f));
      }
    }
    List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    for (Path page : pages) {
      for (DocSnippets.Snippet s : DocSnippets.of(page)) {
        if (s.text().contains("//DEPS ")) {
          scripts.put(root.relativize(page) + ":" + s.line(), s.text());
        }
      }
    }
    return scripts;
  }
}
