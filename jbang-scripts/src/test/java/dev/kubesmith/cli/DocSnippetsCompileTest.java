package dev.kubesmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} snippet of README.md and docs/*.md compiles against the SDK modules, with
 * the imports it shows (see {@link DocSnippets} for how fragments are wrapped).
 */
class DocSnippetsCompileTest {
  @TempDir
  Path tmp;

  @Test
  void everyJavaSnippetOfTheReadmeAndTheDocsCompiles() throws IOException {
    List<DocSnippets.Snippet> snippets = new ArrayList<>(DocSnippets.of(CliRun.repoRoot().resolve("README.md")));
    try (Stream<Path> docs = Files.list(CliRun.repoRoot().resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(p -> snippets.addAll(DocSnippets.of(p)));
    }

    List<String> errors = snippets.stream().flatMap(s -> s.compile().stream()).toList();

    assertThat(snippets).hasSizeGreaterThanOrEqualTo(12);
    assertThat(errors).isEmpty();
  }

  @Test
  void aSnippetUsingATypeItDoesNotImportFailsNamingItsFileAndLine() throws IOException {
    Path md = Files.writeString(tmp.resolve("page.md"), "# page\n\n```java\n"
        + "Cluster cluster = Cluster.ha().build();\n```\n");

    List<String> errors = DocSnippets.of(md).get(0).compile();

    assertThat(errors).isNotEmpty().allSatisfy(e -> assertThat(e).startsWith(md + ":3: cannot find symbol"));
  }

  @Test
  void aFragmentCompilesWithItsOwnImportsAndThoseOfTheSnippetsAboveIt() throws IOException {
    Path md = Files.writeString(tmp.resolve("page.md"), "```java\nimport dev.kubesmith.cluster.Cluster;\n"
        + "import java.nio.file.Path;\n\nCluster.singleMaster();\n```\ntext\n```java\n"
        + "Path p = Path.of(\"x\");\nCluster.ha();\n```\n");

    List<String> errors = DocSnippets.of(md).stream().flatMap(s -> s.compile().stream()).toList();

    assertThat(errors).isEmpty();
  }

  @Test
  void aWholeClassIsCompiledAsItIs() throws IOException {
    Path md = Files.writeString(tmp.resolve("page.md"), "```java\nimport dev.kubesmith.cluster.Cluster;\n\n"
        + "public class MyCluster {\n  public static void main(String... args) {\n    Cluster.ha();\n  }\n}\n```\n");

    DocSnippets.Snippet snippet = DocSnippets.of(md).get(0);

    assertThat(snippet.className()).isEqualTo("MyCluster");
    assertThat(snippet.compile()).isEmpty();
  }

  @Test
  void aScriptWhoseDepsLackTheModuleOfAnImportFails() throws IOException {
    Path md = Files.writeString(tmp.resolve("page.md"), "```java\n//DEPS dev.kubesmith:sdk-network:0.1.0-SNAPSHOT\n"
        + "import dev.kubesmith.addons.storage.RookCeph;\n\npublic class MyCluster {\n"
        + "  public static void main(String... args) {\n    RookCeph.defaults();\n  }\n}\n```\n");

    List<String> errors = DocSnippets.of(md).get(0).compile();

    assertThat(errors).isNotEmpty().first().asString().contains("dev.kubesmith.addons.storage does not exist");
  }

  @Test
  void aFragmentMarkedGivenGetsThoseVariables() throws IOException {
    Path md = Files.writeString(tmp.resolve("page.md"), "```java\nimport dev.kubesmith.cluster.Cluster;\n"
        + "import java.nio.file.Path;\n```\n<!-- given: Cluster cluster -->\n```java\n"
        + "cluster.plan().render(Path.of(\"out\"));\n```\n\n```java\ncluster.plan();\n```\n");

    List<DocSnippets.Snippet> snippets = DocSnippets.of(md);

    assertThat(snippets.get(1).compile()).isEmpty();
    assertThat(snippets.get(2).compile()).isNotEmpty().first().asString().contains("cannot find symbol");
  }
}
