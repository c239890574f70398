package dev.kubesmith.plan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a plan to disk; the layout is a contract other tools read (see {@link Plan#render(Path)}).
 * Every file written is listed with its SHA-256 in {@link PlanMarker#NAME}; only a directory whose
 * every file is listed there, unchanged, is ever replaced.
 */
final class PlanRenderer {
  private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private PlanRenderer() {}

  /** True when target holds an earlier plan to replace; throws when it may not be written to at all. */
  static boolean requireRenderable(Path target) throws IOException {
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(target + " is a file, not a directory; choose an empty or new directory");
    }
    boolean replace = Files.isDirectory(target) && !isEmpty(target);
    if (replace) {
      PlanMarker.requireOwned(target); // throws naming the first file kubesmith did not write
    }
    return replace;
  }

  static Path render(Plan plan, Path dir) throws IOException {
    Path target = dir.toAbsolutePath().normalize();
    boolean replace = requireRenderable(target);
    Path parent = target.getParent();
    Files.createDirectories(parent);
    // Write everything to a sibling first, so a failure never leaves half a plan behind.
    Path staging = Files.createTempDirectory(parent, "." + target.getFileName() + ".");
    try {
      PlanMarker.write(staging, write(plan, staging));
      if (replace) {
        PlanMarker.deleteOwned(target);
      } else if (Files.exists(target)) {
        Files.delete(target); // empty
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.exists(staging)) {
        dev.kubesmith.internal.Trees.delete(staging);
      }
    }
    return target;
  }

  /**
   * Writes the plan's files and returns them, relative to dir, with their contents' SHA-256. A content
   * many hosts share (the same String, e.g. the firewall's set of every inventory address) is written
   * and hashed once; the other hosts' copies are hard links to it, so the bytes written and the heap
   * grow with the host count, not with its square (see docs/BENCHMARKS.md). Hosts are written by
   * {@link #WRITERS} threads, each host's tree by one of them: creating files and directories is
   * kernel work, and it runs on more than one core.
   */
  private static Map<String, String> write(Plan plan, Path dir) throws IOException {
    Map<String, String> written = new java.util.concurrent.ConcurrentHashMap<>();
    // streamed to disk: for a plan of 10,000 hosts these texts alone do not fit a 256 MB heap
    written.put("plan.json", stream(dir.resolve("plan.json"), out -> writeJson(plan, out)));
    written.put("plan.md", stream(dir.resolve("plan.md"), out -> {
      java.io.Writer w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8));
      writeMarkdown(plan, w);
      w.flush();
    }));
    Shared shared = new Shared();
    Set<String> manifests = new HashSet<>();
    Map<String, List<FileArtifact>> byHost = new LinkedHashMap<>();
    for (Step step : plan.steps()) {
      for (FileArtifact f : step.files()) {
        String host = step.host().orElseThrow(() ->
            new IllegalStateException("cluster step " + step.id() + " cannot write host files"));
        byHost.computeIfAbsent(host, h -> new java.util.ArrayList<>()).add(f);
      }
      for (Manifest m : step.manifests()) {
        if (!manifests.add(m.name())) {
          throw new IllegalStateException("two manifests are named " + m.name());
        }
        put(dir, "cluster/" + m.name() + ".yaml", m.yaml(), written, shared, new HashSet<>());
      }
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(WRITERS, r -> {
      Thread t = new Thread(r, "kubesmith-plan-render");
      t.setDaemon(true);
      return t;
    });
    try {
      List<java.util.concurrent.Future<?>> hosts = new java.util.ArrayList<>();
      byHost.forEach((host, files) -> hosts.add(pool.submit(() -> {
        Set<Path> dirs = new HashSet<>(); // made already: createDirectories costs a mkdir and a stat per call
        for (FileArtifact f : files) {
          put(dir, "hosts/" + host + f.path(), f.content(), written, shared, dirs);
        }
        return null;
      })));
      for (java.util.concurrent.Future<?> h : hosts) {
        join(h);
      }
    } finally {
      // after a failure, no writer may still write into the staging directory that is deleted next
      pool.shutdownNow();
      try {
        if (!pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
          throw new IOException("the plan's writer threads did not stop within a minute");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return new TreeMap<>(written);
  }

  /** Threads that write the hosts' trees. */
  static final int WRITERS = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

  private static void join(java.util.concurrent.Future<?> f) throws IOException {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("rendering the plan was interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** The first file written with a content, and the content's SHA-256. */
  private record Written(Path file, String sha) {}

  /**
   * The first file of each content (the same String instance), shared by the writer threads: the
   * thread that claims a content writes it, the others wait for it and link to it.
   */
  private static final class Shared {
    private final Map<String, java.util.concurrent.CompletableFuture<Written>> first =
        java.util.Collections.synchronizedMap(new IdentityHashMap<>());

    /** Null when the caller claimed the content: it writes it, then completes {@code mine} (or fails it). */
    java.util.concurrent.CompletableFuture<Written> claim(String content, java.util.concurrent.CompletableFuture<Written> mine) {
      return first.putIfAbsent(content, mine);
    }
  }

  private static void put(Path dir, String relative, String content, Map<String, String> written,
      Shared shared, Set<Path> dirs) throws IOException {
    Path p = dir.resolve(relative).normalize();
    if (!p.startsWith(dir)) {
      throw new IllegalStateException("plan file " + relative + " is outside the plan directory");
    }
    if (dirs.add(p.getParent())) {
      Files.createDirectories(p.getParent());
    }
    java.util.concurrent.CompletableFuture<Written> mine = new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.CompletableFuture<Written> there = shared.claim(content, mine);
    if (there != null) {
      Written first = there.join(); // its writer is writing it now, or failed (and so does this)
      if (link(p, first.file())) {
        written.put(relative, first.sha());
        return;
      }
      Files.write(p, content.getBytes(StandardCharsets.UTF_8));
      written.put(relative, first.sha());
      return;
    }
    try {
      byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
      Files.write(p, bytes);
      Written w = new Written(p, PlanMarker.sha256(bytes));
      mine.complete(w);
      written.put(relative, w.sha());
    } catch (IOException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    }
  }

  /** A hard link to an identical file already written; false where the file system has none. */
  private static boolean link(Path p, Path existing) throws IOException {
    try {
      Files.createLink(p, existing);
      return true;
    } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
      return false;
    }
  }

  private interface Body {
    void write(java.io.OutputStream out) throws IOException;
  }

  /** Writes the file through a digest and returns its SHA-256. */
  private static String stream(Path p, Body body) throws IOException {
    java.security.MessageDigest sha = dev.kubesmith.internal.Sha256.digest();
    try (java.io.OutputStream file = new java.io.BufferedOutputStream(Files.newOutputStream(p));
         java.security.DigestOutputStream out = new java.security.DigestOutputStream(file, sha)) {
      body.write(out);
    }
    return java.util.HexFormat.of().formatHex(sha.digest());
  }

  static String json(Plan plan) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    writeJson(plan, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** plan.json; the steps are serialized one at a time (an Iterable, not a list held whole). */
  private static void writeJson(Plan plan, java.io.OutputStream out) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("cluster", plan.spec().name());
    root.put("topology", plan.spec().topology().name());
    root.put("kubernetesVersion", plan.spec().kubernetesVersion());
    root.put("notes", plan.notes());
    Iterable<Map<String, Object>> steps = () -> plan.steps().stream().map(PlanRenderer::stepJson).iterator();
    root.put("steps", steps);
    JSON.writer().without(tools.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET).writeValue(out, root);
    try {
      out.write('\n');
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Map<String, Object> stepJson(Step s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id());
    m.put("phase", s.phase().name());
    m.put("host", s.host().orElse(null));
    m.put("description", s.description());
    m.put("dependsOn", s.dependsOn());
    m.put("files", s.files().stream().map(f -> {
      Map<String, Object> fm = new LinkedHashMap<>();
      fm.put("path", f.path());
      fm.put("mode", f.modeOctal());
      fm.put("owner", f.owner());
      return fm;
    }).toList());
    if (!s.directories().isEmpty()) {
      m.put("directories", s.directories());
    }
    m.put("manifests", s.manifests().stream().map(x -> "cluster/" + x.name() + ".yaml").toList());
    m.put("check", s.check().orElse(null));
    m.put("commands", s.commands());
    m.put("captures", s.captures().keySet());
    m.put("packages", s.packages());
    m.put("readyNodes", s.readyNodes());
    m.put("waitFor", s.waitFor());
    return m;
  }

  static String markdown(Plan plan) {
    java.io.StringWriter w = new java.io.StringWriter();
    try {
      writeMarkdown(plan, w);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return w.toString();
  }

  /** plan.md, written a step at a time. */
  private static void writeMarkdown(Plan plan, java.io.Writer w) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Plan for cluster `").append(plan.spec().name()).append("`\n\n");
    md.append("- topology: ").append(plan.spec().topology()).append('\n');
    md.append("- Kubernetes: ").append(plan.spec().kubernetesVersion()).append('\n');
    md.append("- pod CIDR: ").append(plan.spec().network().podCidr())
        .append(", service CIDR: ").append(plan.spec().network().serviceCidr())
        .append(", host networks: ").append(String.join(", ", plan.spec().network().hostNetworks())).append('\n');
    plan.spec().privateVip().ifPresent(v -> md.append("- private VIP: ").append(v).append('\n'));
    plan.spec().publicVip().ifPresent(v -> md.append("- public VIP: ").append(v).append('\n'));
    md.append("- steps: ").append(plan.steps().size()).append("\n\n");
    if (!plan.notes().isEmpty()) {
      md.append("## Notes\n\n");
      plan.notes().forEach(n -> md.append("- ").append(n).append('\n'));
      md.append('\n');
    }
    md.append("## Steps\n");
    Phase current = null;
    for (Step s : plan.steps()) {
      w.append(md);
      md.setLength(0);
      if (s.phase() != current) {
        current = s.phase();
        md.append("\n### ").append(current).append("\n");
      }
      md.append("\n#### `").append(s.id()).append("` on ")
          .append(s.host().map(h -> "`" + h + "`").orElse("the Kubernetes API")).append("\n\n");
      md.append(s.description()).append("\n\n");
      if (!s.dependsOn().isEmpty()) {
        md.append("- after: ").append(String.join(", ", s.dependsOn().stream().map(d -> "`" + d + "`").toList())).append('\n');
      }
      s.files().forEach(f -> md.append("- writes `").append(f.path()).append("` (").append(f.modeOctal())
          .append(", ").append(f.owner()).append(")\n"));
      s.directories().forEach((to, from) -> md.append("- copies `").append(from).append("` to `").append(to)
          .append("` (only files that differ)\n"));
      s.manifests().forEach(x -> md.append("- applies `cluster/").append(x.name()).append(".yaml`\n"));
      s.check().ifPresent(c -> md.append("- skipped when `").append(c).append("` succeeds\n"));
      s.captures().keySet().forEach(c -> md.append("- captures secret `").append(c).append("`\n"));
      if (!s.packages().isEmpty()) {
        md.append("- installs packages: ").append(String.join(", ", s.packages().stream().map(x -> "`" + x + "`").toList()))
            .append('\n');
      }
      if (!s.commands().isEmpty()) {
        md.append("\n```sh\n");
        s.commands().forEach(c -> md.append(c).append('\n'));
        md.append("```\n");
      }
    }
    w.append(md);
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

}
