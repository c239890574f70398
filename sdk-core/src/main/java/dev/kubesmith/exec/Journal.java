package dev.kubesmith.exec;

import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Step;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * The record of completed steps of one cluster, and the lock that keeps two builds off its state
 * directory. A step is done when the journal holds its id with the same fingerprint (a hash of its
 * files, commands and check, never of secret values), so a changed step runs again. Lines are
 * appended whole and forced to disk as steps finish, so a build killed mid-way resumes where it stopped.
 *
 * <pre>{@code
 * try (Journal j = Journal.open(Path.of(".kubesmith/clustera"))) {   // throws BuildLockedException if a build holds it
 *   new BuildExecutor(...).execute(plan, j);
 * }
 * }</pre>
 */
public final class Journal implements AutoCloseable {
  private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();
  private static final Pattern LINE = Pattern.compile("[0-9a-f]{32} \\S+");
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
    if (lockChannel != null && Files.exists(file)) {
      read();
    }
  }

  /**
   * Opens (creating, mode 0700) the journal in {@code dir} and takes its lock. The lock is the OS's:
   * it goes away with the process holding it, however that process ends. When anything after taking
   * it fails (a full disk, a damaged journal), it is released before this throws.
   */
  public static Journal open(Path dir) {
    Path d = dir.toAbsolutePath().normalize();
    if (!HELD_IN_THIS_JVM.add(d)) {
      throw new BuildLockedException(d, "another build in this process");
    }
    FileChannel ch = null;
    FileLock l = null;
    try {
      StateDirectory.create(d);
      ch = FileChannel.open(d.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      }
      if (l == null) {
        throw new BuildLockedException(d, "another process");
      }
      writeFully(ch.truncate(0), (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8));
      return new Journal(d, ch, l);
    } catch (IOException | RuntimeException e) {
      release(l, ch);
      HELD_IN_THIS_JVM.remove(d);
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new UncheckedIOException("cannot open the build journal in " + d + ": " + e.getMessage(), (IOException) e);
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

  /**
   * Reads the journal, first cutting off a last line without its newline: a write the disk did not
   * take whole (that step runs again; its check decides). Anything else unreadable is refused naming
   * the file, the line and what to do.
   */
  private void read() throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    if (end < bytes.length) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(end);
        ch.force(false);
      }
    }
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
    int lineNo = 0;
    for (int from = 0, i = 0; i < end; i++) {
      if (bytes[i] != '\n') {
        continue;
      }
      lineNo++;
      String line;
      try {
        line = utf8.decode(ByteBuffer.wrap(bytes, from, i - from)).toString();
      } catch (CharacterCodingException e) {
        throw corrupt(lineNo, "is not UTF-8 text");
      }
      from = i + 1;
      if (line.isBlank()) {
        continue;
      }
      if (!LINE.matcher(line).matches()) {
        throw corrupt(lineNo, "is not '<fingerprint> <step id>'");
      }
      String[] f = line.split(" ", 2);
      done.put(f[1], f[0]);
    }
  }

  private IOException corrupt(int line, String why) {
    return new IOException("line " + line + " of " + file + " " + why + ": the file is damaged or was not written by"
        + " kubesmith. Move it away (mv " + file + " " + file + ".damaged) and run the build again: the steps' checks"
        + " then decide on the hosts what is done");
  }

  public Path directory() {
    return dir;
  }

  public boolean isDone(Step step) {
    return fingerprint(step).equals(done.get(step.id()));
  }

  /**
   * Records the step as done: appended and forced to disk before returning. A write the disk does
   * not take whole is undone (the file keeps only whole lines) and throws.
   */
  public synchronized void markDone(Step step) {
    String fp = fingerprint(step);
    done.put(step.id(), fp);
    if (lockChannel == null) {
      return;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long before = ch.size();
      try {
        writeFully(ch.position(before), (fp + " " + step.id() + "\n").getBytes(StandardCharsets.UTF_8));
        ch.force(false);
      } catch (IOException e) {
        ch.truncate(before); // no half line for the next write to glue onto
        throw e;
      }
    } catch (IOException e) {
      done.remove(step.id());
      throw new UncheckedIOException("cannot write the build journal " + file + ": " + e.getMessage()
          + "; free space there and run the build again (step " + step.id() + " is done but not recorded: its check"
          + " decides next time)", e);
    }
  }

  /** FileChannel.write may write less than asked (a nearly full disk): loop until all is written or it throws. */
  private static void writeFully(FileChannel ch, byte[] bytes) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  private static void release(FileLock l, FileChannel ch) {
    try {
      if (l != null) {
        l.release();
      }
      if (ch != null) {
        ch.close();
      }
    } catch (IOException e) {
      LoggerFactory.getLogger(Journal.class).debug("releasing the journal lock: {}", e.getMessage());
    }
  }

  /** Ids of the steps recorded as done. */
  public Set<String> doneIds() {
    return Set.copyOf(done.keySet());
  }

  static String fingerprint(Step s) {
    MessageDigest md = dev.kubesmith.internal.Sha256.digest();
    update(md, s.id());
    s.host().ifPresent(h -> update(md, h));
    for (FileArtifact f : s.files()) {
      update(md, f.path() + "\0" + f.content() + "\0" + f.mode() + "\0" + f.owner());
    }
    s.directories().forEach((to, from) -> update(md, "copy:" + to + "\0" + from));
    s.manifests().forEach(m -> update(md, m.name() + "\0" + m.yaml()));
    s.commands().forEach(c -> update(md, c));
    s.check().ifPresent(c -> update(md, c));
    s.readyNodes().forEach(n -> update(md, "ready:" + n));
    s.waitFor().forEach(w -> update(md, "wait:" + w));
    return HexFormat.of().formatHex(md.digest()).substring(0, 32);
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
    release(lock, lockChannel);
    HELD_IN_THIS_JVM.remove(dir);
  }
}
