package dev.kubesmith.exec;

import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Step;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The record of completed steps of one cluster, and the lock that keeps two builds off it. A step
 * is done when the journal holds its id with the same fingerprint (a hash of its files, commands
 * and check, never of secret values), so a changed step runs again. Lines are appended and flushed
 * as steps finish, so a build killed mid-way resumes where it stopped.
 *
 * <pre>{@code
 * try (Journal j = Journal.open(Path.of(".kubesmith/clustera"))) {   // throws BuildLockedException if a build holds it
 *   new BuildExecutor(...).execute(plan, j);
 * }
 * }</pre>
 */
public final class Journal implements AutoCloseable {
  private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();
  private final Path dir;
  private final Path file;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Map<String, String> done = new ConcurrentHashMap<>();

  private Journal(Path dir, FileChannel lockChannel, FileLock lock) throws IOException {
    this.dir = dir;
    this.file = dir.resolve("journal.log");
    this.lockChannel = lockChannel;
    this.lock = lock;
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] f = line.split(" ", 2);
        if (f.length == 2) {
          done.put(f[1], f[0]);
        }
      }
    }
  }

  /** Opens (creating) the journal in {@code dir} and takes its lock. */
  public static Journal open(Path dir) {
    Path d = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(d);
      if (!HELD_IN_THIS_JVM.add(d)) {
        throw new BuildLockedException(d, "another build in this process");
      }
      FileChannel ch = FileChannel.open(d.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      }
      if (l == null) {
        ch.close();
        HELD_IN_THIS_JVM.remove(d);
        throw new BuildLockedException(d, "another process");
      }
      ch.truncate(0).write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
      return new Journal(d, ch, l);
    } catch (IOException e) {
      HELD_IN_THIS_JVM.remove(d);
      throw new UncheckedIOException("cannot open the build journal in " + d + ": " + e.getMessage(), e);
    }
  }

  /** An in-memory journal that records nothing on disk and locks nothing (for dry runs and tests). */
  public static Journal inMemory() {
    try {
      return new Journal(Path.of("/nonexistent-kubesmith-journal"), null, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path directory() {
    return dir;
  }

  public boolean isDone(Step step) {
    return fingerprint(step).equals(done.get(step.id()));
  }

  /** Records the step as done (appended and forced to disk before returning). */
  public synchronized void markDone(Step step) {
    String fp = fingerprint(step);
    done.put(step.id(), fp);
    if (lockChannel == null) {
      return;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(java.nio.ByteBuffer.wrap((fp + " " + step.id() + "\n").getBytes(StandardCharsets.UTF_8)));
      ch.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the build journal " + file + ": " + e.getMessage(), e);
    }
  }

  /** Ids of the steps recorded as done. */
  public Set<String> doneIds() {
    return Set.copyOf(done.keySet());
  }

  static String fingerprint(Step s) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      update(md, s.id());
      s.host().ifPresent(h -> update(md, h));
      for (FileArtifact f : s.files()) {
        update(md, f.path() + "\0" + f.content() + "\0" + f.mode() + "\0" + f.owner());
      }
      s.manifests().forEach(m -> update(md, m.name() + "\0" + m.yaml()));
      s.commands().forEach(c -> update(md, c));
      s.check().ifPresent(c -> update(md, c));
      s.readyNodes().forEach(n -> update(md, "ready:" + n));
      s.waitFor().forEach(w -> update(md, "wait:" + w));
      return HexFormat.of().formatHex(md.digest()).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void update(MessageDigest md, String s) {
    md.update(s.getBytes(StandardCharsets.UTF_8));
    md.update((byte) '\n');
  }

  @Override
  public void close() {
    if (lockChannel == null) {
      return;
    }
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      HELD_IN_THIS_JVM.remove(dir);
    }
  }
}
