package dev.kubesmith.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The fenced {@code ```java} blocks of a Markdown file, and their compilation against the test class
 * path (every SDK module). A block that declares a top-level class, record or interface is compiled
 * as it is; any other block is a fragment: its statements are wrapped in a method of a class of
 * their own, with its own imports and those of the blocks above it in the same file (a page shows
 * an import once). A fragment that continues an earlier one is marked with a comment on the line
 * before its fence naming what it is given, e.g. {@code <!-- given: Cluster cluster, Path dir -->}:
 * those become the parameters of the wrapping method. Nothing else is added: a snippet that uses a
 * type must import it, a variable must be declared or given.
 *
 * <pre>{@code
 * List<String> problems = DocSnippets.of(Path.of("README.md")).stream().map(DocSnippets.Snippet::compile)
 *     .flatMap(List::stream).toList();   // "README.md:32: cannot find symbol ..." per error
 * }</pre>
 */
final class DocSnippets {
  private static final Pattern TYPE = Pattern.compile("(?m)^(public |final |abstract )*(class|record|interface|enum) ");
  private static final Pattern GIVEN = Pattern.compile("<!--\\s*given:(.*?)-->");
  private static final Pattern IMPORT = Pattern.compile("^import (static )?[\\w.]+(\\.\\*)?;\\s*$");

  private DocSnippets() {}

  /** A fenced block: where it starts (the fence line, 1-based), its imports inherited from above, its text. */
  record Snippet(Path file, int line, Set<String> inherited, String given, String text) {
    boolean isCompilationUnit() {
      return TYPE.matcher(text).find();
    }

    /** The imports the block itself shows. */
    List<String> imports() {
      return text.lines().map(String::strip).filter(l -> IMPORT.matcher(l).matches()).toList();
    }

    /** The Java source compiled: the block as it is, or the fragment wrapped. */
    String source() {
      if (isCompilationUnit()) {
        return text;
      }
      StringBuilder s = new StringBuilder();
      inherited.forEach(i -> s.append(i).append('\n'));
      imports().forEach(i -> s.append(i).append('\n'));
      s.append("class ").append(className()).append(" {\n  void snippet(").append(given)
          .append(") throws Exception {\n");
      text.lines().filter(l -> !IMPORT.matcher(l.strip()).matches()).forEach(l -> s.append(l).append('\n'));
      return s.append("  }\n}\n").toString();
    }

    String className() {
      if (isCompilationUnit()) {
        var m = Pattern.compile("(?m)^public (final |abstract )*(class|record|interface|enum) (\\w+)").matcher(text);
        if (m.find()) {
          return m.group(3);
        }
      }
      return "Snippet_" + file.getFileName().toString().replaceAll("\\W", "_") + "_" + line;
    }

    /**
     * The test class path; for a script with {@code //DEPS dev.kubesmith:...} lines, without the
     * kubesmith modules it does not name (sdk-core, which every module depends on, stays), so that a
     * script naming too few modules fails here as it would under JBang.
     */
    String classpath() {
      String all = System.getProperty("java.class.path");
      var deps = Pattern.compile("(?m)^//DEPS\\s+dev\\.kubesmith:([\\w.-]+):").matcher(text);
      Set<String> named = new LinkedHashSet<>(List.of("sdk-core"));
      while (deps.find()) {
        named.add(deps.group(1));
      }
      if (named.size() == 1) {
        return all;
      }
      return java.util.Arrays.stream(all.split(java.io.File.pathSeparator))
          .filter(e -> module(e).map(named::contains).orElse(true))
          .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    /** The kubesmith module a class path entry holds: a reactor target/ directory or an installed jar. */
    private static java.util.Optional<String> module(String entry) {
      var m = Pattern.compile("[/\\\\]((?:sdk-|jbang-|e2e-|samples)[\\w-]*)[/\\\\]target[/\\\\]").matcher(entry);
      if (m.find()) {
        return java.util.Optional.of(m.group(1));
      }
      var jar = Pattern.compile("[/\\\\]dev[/\\\\]kubesmith[/\\\\]([\\w-]+)[/\\\\]").matcher(entry);
      return jar.find() ? java.util.Optional.of(jar.group(1)) : java.util.Optional.empty();
    }

    /** The compiler's errors, each as "file:line: message" (the line of the fence); empty when it compiles. */
    List<String> compile() {
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
      Path out;
      try {
        out = Files.createTempDirectory("snippet");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      String src = source();
      JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///" + className() + ".java"),
          JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return src;
        }
      };
      try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
        List<String> options = List.of("-proc:none", "-Xlint:none", "-nowarn", "-classpath",
            classpath(), "-d", out.toString());
        javac.getTask(null, files, diagnostics, options, null, List.of(unit)).call();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        deleteTree(out);
      }
      List<String> errors = new ArrayList<>();
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (d.getKind() == Diagnostic.Kind.ERROR) {
          errors.add(file + ":" + line + ": " + d.getMessage(Locale.ROOT) + " (line " + d.getLineNumber()
              + " of the source" + (errors.isEmpty() ? ":\n" + src + ")" : ")"));
        }
      }
      return errors;
    }
  }

  /** Every {@code ```java} block of a Markdown file, in order. */
  static List<Snippet> of(Path markdown) {
    List<String> lines;
    try {
      lines = Files.readAllLines(markdown, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Snippet> snippets = new ArrayList<>();
    Set<String> imports = new LinkedHashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).strip().equals("```java")) {
        continue;
      }
      int start = i;
      StringBuilder text = new StringBuilder();
      for (i++; i < lines.size() && !lines.get(i).strip().startsWith("```"); i++) {
        text.append(lines.get(i)).append('\n');
      }
      var given = start == 0 ? null : GIVEN.matcher(lines.get(start - 1).strip());
      Snippet s = new Snippet(markdown, start + 1, java.util.Collections.unmodifiableSet(new LinkedHashSet<>(imports)),
          given != null && given.matches() ? given.group(1).strip() : "", text.toString());
      snippets.add(s);
      if (!s.isCompilationUnit()) {
        imports.addAll(s.imports());
      }
    }
    return snippets;
  }

  private static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
