package dev.kubesmith.exec;

import java.nio.file.Path;

/** Another build holds the cluster's journal lock; two builds never run against one cluster at once. */
public final class BuildLockedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BuildLockedException(Path dir, String holder) {
    super("a build of this cluster is already running (" + holder + " holds " + dir.resolve("lock")
        + "); wait for it to finish, or remove the lock file if that build is known to be dead");
  }
}
