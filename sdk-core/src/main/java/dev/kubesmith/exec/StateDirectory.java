package dev.kubesmith.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state directory of a cluster (journal, lock, admin.conf, spec.yaml): only its owner may enter
 * it, since it holds cluster-admin credentials.
 *
 * <pre>{@code
 * Path state = Path.of(System.getProperty("user.home"), ".kubesmith", "clustera");
 * StateDirectory.create(state);                                            // drwx------
 * StateDirectory.writePrivate(state.resolve("spec.yaml"), spec.toYaml());   // -rw-------
 * }</pre>
 */
public final class StateDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(StateDirectory.class);
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

  private StateDirectory() {}

  /** Creates the directory (and missing parents) mode 0700, or tightens an existing one to 0700. */
  public static void create(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir.toAbsolutePath().getParent());
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY)); // umask may still clear bits
    }
    if (!Files.getPosixFilePermissions(dir).equals(OWNER_ONLY)) {
      LOG.info("state directory {}: mode set to 0700 (it holds cluster-admin credentials)", dir);
      Files.setPosixFilePermissions(dir, OWNER_ONLY);
    }
  }

  /**
   * Writes a file only its owner can read (0600), atomically: a temporary file in the same directory
   * renamed over the target. When the write fails (a full disk), the temporary file is removed.
   */
  public static void writePrivate(Path file, String content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".kubesmith-", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(tmp, content, java.nio.charset.StandardCharsets.UTF_8);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
