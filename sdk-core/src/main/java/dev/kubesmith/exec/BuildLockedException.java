package dev.kubesmith.exec;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Another build holds the cluster: the lock of its state directory on this machine, or the
 * {@link ClusterLock} on its first master (another operator, another state directory, an etcd
 * snapshot). Both locks go away by themselves when their holder ends, however it ends: there is no
 * lock file to delete, and deleting one while its holder lives would let two builds run at once.
 */
public final class BuildLockedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String holder;

  public BuildLockedException(Path dir, String holder) {
    super("a build of this cluster is already running (" + holder + " holds " + dir.resolve("lock")
        + "); wait for it to finish: the lock is released when that process ends, however it ends");
    this.holder = holder;
  }

  /** The cluster lock on {@code host} is held; {@code holderLine} is what the holder wrote there. */
  public BuildLockedException(String host, String lockFile, String holderLine) {
    super("a build of this cluster is already running: " + describe(holderLine) + " holds the cluster lock " + lockFile
        + " on " + host + "; wait for it to finish: the lock is released when that process or its SSH session ends,"
        + " however it ends (never delete the lock file)");
    this.holder = holderLine;
  }

  private BuildLockedException(String message, String holder, Throwable cause) {
    super(message, cause);
    this.holder = holder;
  }

  /** The cluster lock was lost with its SSH session and another took it before {@code nextStep} could start. */
  static BuildLockedException lostBefore(String nextStep, String host, BuildLockedException taken) {
    return new BuildLockedException("the connection to " + host + " that held the cluster lock dropped, and before "
        + nextStep + " could start " + describe(taken.holder()) + " took the lock; this build stopped there so as not to"
        + " work beside it. " + taken.getMessage(), taken.holder(), taken);
  }

  /** Who holds the lock, as far as known (e.g. {@code operator=ops-laptop pid=4242 ...}). */
  public String holder() {
    return holder;
  }

  private static String describe(String line) {
    Map<String, String> f = new TreeMap<>();
    for (String part : line.strip().split("\\s+")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        f.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    if (!f.containsKey("operator")) {
      return "another operator (" + line.strip() + ")";
    }
    return "the " + Optional.ofNullable(f.get("for")).map(w -> w.replace('_', ' ')).orElse("build") + " run by "
        + f.getOrDefault("user", "?") + " on " + f.get("operator") + " (pid " + f.getOrDefault("pid", "?")
        + ", since " + f.getOrDefault("started", "?") + ")";
  }
}
