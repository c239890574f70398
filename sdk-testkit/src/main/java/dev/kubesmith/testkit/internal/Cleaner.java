package dev.kubesmith.testkit.internal;

import dev.kubesmith.testkit.ExecResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what a sandbox created: every process in its network namespaces (or carrying its holder
 * marker), the namespaces, the root-namespace link and the directory. Also sweeps leftovers of
 * earlier runs whose owner JVM is gone, so a crashed run never blocks the next one.
 */
public final class Cleaner {
  private static final Logger LOG = LoggerFactory.getLogger(Cleaner.class);
  private static final Path NETNS_DIR = Path.of("/run/netns");
  private static final long WAIT_MILLIS = 10_000;

  private Cleaner() {}

  /** Removes leftovers of dead runs found in namespaces, root links and {@code baseDir}; returns what it removed. */
  public static List<String> sweep(Path baseDir) {
    Set<String> ids = new TreeSet<>();
    for (String ns : namespaces()) {
      Names.idOf(Names.NAMESPACE, ns).ifPresent(ids::add);
    }
    for (String link : rootLinks()) {
      // only a veth pair is ours; an unrelated interface that happens to match the name stays
      Names.idOf(Names.ROOT_LINK, link).filter(id -> isVeth(link)).ifPresent(ids::add);
    }
    ids.addAll(Registry.ids());
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(baseDir, "ks-*")) {
      for (Path d : dirs) {
        if (Files.isRegularFile(d.resolve(Names.OWNER_FILE))) {
          Names.idOf(Names.DIRECTORY, d.getFileName().toString()).ifPresent(ids::add);
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", baseDir, e.getMessage());
    }
    List<String> removed = new ArrayList<>();
    for (String id : ids) {
      Path dir = baseDir.resolve(Names.directory(id));
      if (Registry.ownerAlive(id)) {
        continue;
      }
      removed.addAll(remove(id, dir));
    }
    if (!removed.isEmpty()) {
      LOG.warn("removed leftovers of earlier sandbox runs: {}", removed);
    }
    return removed;
  }

  /** Removes everything of sandbox {@code id}; returns the names of what was there. */
  public static List<String> remove(String id, Path dir) {
    List<String> removed = new ArrayList<>();
    String link = Names.rootLink(id);
    if (rootLinks().contains(link)) {
      Proc.run(List.of("ip", "link", "del", link));
      removed.add("link " + link);
    }
    List<String> ours = namespaces().stream()
        .filter(ns -> Names.idOf(Names.NAMESPACE, ns).filter(id::equals).isPresent()).toList();
    Set<String> inodes = new HashSet<>();
    for (String ns : ours) {
      inode(NETNS_DIR.resolve(ns)).ifPresent(inodes::add);
    }
    String marker = "ks-" + id + "-holder-";
    killAndWait(inodes, marker);
    if (!ours.isEmpty()) {
      String batch = String.join("\n", ours.stream().map(ns -> "netns del " + ns).toList()) + "\n";
      runBatch(batch);
      ours.forEach(ns -> removed.add("namespace " + ns));
    }
    if (Files.isDirectory(dir)) {
      // --one-file-system: never delete through something still mounted under the directory
      Proc.run(List.of("rm", "-rf", "--one-file-system", dir.toString()));
      removed.add("directory " + dir);
    }
    Registry.forget(id);
    return removed;
  }

  private static boolean isVeth(String link) {
    return Proc.run(List.of("ip", "-o", "-d", "link", "show", "dev", link)).stdout().contains(" veth ");
  }

  /** Pids of processes in one of the network namespaces (by inode) or whose command line has the marker. */
  public static Set<Long> processesIn(Collection<String> netnsInodes, String marker) {
    Set<Long> pids = new HashSet<>();
    long self = ProcessHandle.current().pid();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
          .forEach(n -> {
            long pid = Long.parseLong(n);
            if (pid != self && (inNamespace(n, netnsInodes) || hasMarker(n, marker))) {
              pids.add(pid);
            }
          });
    } catch (IOException e) {
      LOG.debug("cannot list /proc: {}", e.getMessage());
    }
    return pids;
  }

  static void killAndWait(Set<String> inodes, String marker) {
    Set<Long> pids = processesIn(inodes, marker);
    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    while (!pids.isEmpty()) {
      pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      if (System.currentTimeMillis() > deadline) {
        LOG.warn("processes {} of a sandbox did not exit within {} ms", pids, WAIT_MILLIS);
        return;
      }
      pause();
      pids = processesIn(inodes, marker);
    }
  }

  /** The inode of a namespace file, as {@code /proc/<pid>/ns/net} links show it ("net:[inode]"). */
  public static Optional<String> inode(Path nsFile) {
    try {
      return Optional.of(String.valueOf(Files.getAttribute(nsFile, "unix:ino")));
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  private static boolean inNamespace(String pid, Collection<String> inodes) {
    if (inodes.isEmpty()) {
      return false;
    }
    try {
      String link = Files.readSymbolicLink(Path.of("/proc", pid, "ns", "net")).toString();
      return inodes.contains(link.substring(link.indexOf('[') + 1, link.length() - 1));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean hasMarker(String pid, String marker) {
    try {
      byte[] cmd = Files.readAllBytes(Path.of("/proc", pid, "cmdline"));
      return new String(cmd, StandardCharsets.UTF_8).startsWith(marker);
    } catch (IOException e) {
      return false;
    }
  }

  /** Names of the named network namespaces (files in /run/netns). */
  public static List<String> namespaces() {
    if (!Files.isDirectory(NETNS_DIR)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(NETNS_DIR)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Names of the links in the root network namespace. */
  public static Set<String> rootLinks() {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    } catch (IOException e) {
      LOG.debug("cannot list /sys/class/net: {}", e.getMessage());
    }
    return names;
  }

  static void runBatch(String batch) {
    ExecResult r = Proc.run(List.of("ip", "-force", "-batch", "-"), batch);
    if (!r.succeeded()) {
      LOG.debug("ip -batch: {}", r.stderr().strip());
    }
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
