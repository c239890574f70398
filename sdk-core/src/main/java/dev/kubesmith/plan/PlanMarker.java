package dev.kubesmith.plan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The proof that a directory holds a plan kubesmith wrote: {@value #NAME}, listing every file of the
 * plan with its SHA-256 in {@code sha256sum} format, so {@code sha256sum -c kubesmith-plan.sha256}
 * also checks it by hand. A directory is replaced only when every file in it is listed, unchanged;
 * anything else (a Terraform directory with a plan.json, a note added to an earlier plan) is refused.
 *
 * <pre>{@code
 * PlanMarker.requireOwned(out);   // IOException naming the first file kubesmith did not write
 * }</pre>
 */
final class PlanMarker {
  /** The marker's file name, at the top of the plan directory. */
  static final String NAME = "kubesmith-plan.sha256";

  private PlanMarker() {}

  /** Writes the marker listing the files (relative paths, '/'-separated) with their contents' SHA-256. */
  static void write(Path dir, Map<String, String> digests) throws IOException {
    StringBuilder sb = new StringBuilder();
    digests.forEach((path, sha) -> sb.append(sha).append("  ").append(path).append('\n'));
    Files.writeString(dir.resolve(NAME), sb.toString());
  }

  /** Throws unless every file and directory under dir is one kubesmith wrote there, unchanged. */
  static void requireOwned(Path dir) throws IOException {
    Map<String, String> listed = read(dir);
    Map<Object, String> hashed = new HashMap<>(); // hard links to one content are read once (by file key)
    for (Path p : contents(dir)) {
      String rel = relative(dir, p);
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        if (listed.keySet().stream().noneMatch(f -> f.startsWith(rel + "/"))) {
          throw notOurs(dir, p, "is a directory kubesmith did not create");
        }
      } else if (!listed.containsKey(rel) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        throw notOurs(dir, p, "was not written by kubesmith (" + NAME + " does not list it)");
      } else if (!listed.get(rel).equals(digest(p, hashed))) {
        throw notOurs(dir, p, "changed since kubesmith wrote it");
      }
    }
  }

  /** Deletes what {@link #requireOwned} accepted: the listed files, the marker, then the emptied directories. */
  static void deleteOwned(Path dir) throws IOException {
    Map<String, String> listed = read(dir);
    for (String rel : listed.keySet()) {
      Files.deleteIfExists(dir.resolve(rel));
    }
    Files.delete(dir.resolve(NAME));
    List<Path> dirs = new ArrayList<>(contents(dir));
    dirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    for (Path d : dirs) {
      Files.delete(d); // empty now: requireOwned allowed no other file
    }
    Files.delete(dir);
  }

  private static Map<String, String> read(Path dir) throws IOException {
    Path marker = dir.resolve(NAME);
    if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)) {
      String why = Files.exists(dir.resolve("plan.json"))
          ? " (its plan.json is not one kubesmith wrote, or was written before " + NAME + " existed)" : "";
      throw new IOException(dir + " is not empty and holds no plan kubesmith wrote: " + NAME + " is missing" + why
          + "; choose an empty or new directory");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(marker, StandardCharsets.UTF_8)) {
      int sep = line.indexOf("  ");
      String path = sep == 64 ? line.substring(66) : "";
      if (path.isEmpty() || path.startsWith("/") || path.contains("..") || path.equals(NAME)) {
        throw new IOException(marker + " is not a marker kubesmith wrote (line '" + line.substring(0,
            Math.min(line.length(), 80)) + "'); choose an empty or new directory");
      }
      out.put(path, line.substring(0, 64));
    }
    return out;
  }

  /** Everything under dir except the marker, not following links. */
  private static List<Path> contents(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir) && !p.equals(dir.resolve(NAME))).sorted().toList();
    }
  }

  private static String relative(Path dir, Path p) {
    return dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
  }

  private static IOException notOurs(Path dir, Path p, String why) {
    return new IOException(p + " " + why + "; kubesmith replaces only a plan it wrote and never deletes another "
        + "file: move " + dir.relativize(p) + " out of " + dir + ", or render into another directory");
  }

  private static String digest(Path p, Map<Object, String> hashed) throws IOException {
    Object key = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    if (key == null) {
      return sha256(Files.readAllBytes(p));
    }
    String sha = hashed.get(key);
    if (sha == null) {
      sha = sha256(Files.readAllBytes(p));
      hashed.put(key, sha);
    }
    return sha;
  }

  static String sha256(byte[] bytes) {
    return dev.kubesmith.internal.Sha256.hex(bytes);
  }
}
