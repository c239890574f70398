package dev.kubesmith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real 64 KiB tmpfs for full-disk tests (needs root, as the sandbox tests: without it the test
 * fails, never skips). Close it in an {@code @AfterEach}: it unmounts lazily, so no mount is left
 * behind even with a file still open.
 */
public final class SmallDisk implements AutoCloseable {
  private final Path dir;

  private SmallDisk(Path dir) {
    this.dir = dir;
  }

  /** Mounts a 64 KiB tmpfs at {@code parent/disk}. */
  public static SmallDisk mount(Path parent) throws Exception {
    return mount(parent, "64k");
  }

  /** Mounts a tmpfs of the size given (tmpfs's syntax: 64k, 1m) at {@code parent/disk}. */
  public static SmallDisk mount(Path parent, String size) throws Exception {
    Path disk = Files.createDirectory(parent.resolve("disk"));
    run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", disk.toString());
    return new SmallDisk(disk);
  }

  public Path dir() {
    return dir;
  }

  /** Fills the disk with a file until it is full; deleting the file frees the space again. */
  public Path fill() throws IOException {
    Path filler = dir.resolve("filler");
    try (var out = Files.newOutputStream(filler)) {
      byte[] block = new byte[512];
      while (true) {
        out.write(block);
        out.flush();
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left")) {
        throw e;
      }
    }
    return filler;
  }

  @Override
  public void close() throws Exception {
    run("umount", "-l", dir.toString());
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed (this test needs root): " + out);
    }
  }
}
