package dev.kubesmith.testkit.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What runs on this machine, in a fixed place ({@code /run/kubesmith-testkit}) whatever directory a
 * sandbox uses: {@code <id>} holds the owning JVM's pid and start time, so a sweep never touches a
 * live run; {@code slot-<n>} holds the id using bastion link n (198.18.255.4n/30), so sandboxes of
 * several JVMs (parallel Maven modules) run side by side without sharing an address in the JVM's
 * namespace.
 */
public final class Registry {
  /** How many /30 bastion links fit in 198.18.255.0/24, so how many sandboxes can run at once. */
  public static final int SLOTS = 64;
  static final Path DIR = Path.of("/run/kubesmith-testkit");

  private Registry() {}

  /** Registers this JVM (pid and start time) as the owner of sandbox {@code id}, also marking {@code dir}. */
  public static void writeOwner(String id, Path dir) throws IOException {
    ProcessHandle self = ProcessHandle.current();
    String owner = self.pid() + " " + startMillis(self) + "\n";
    Files.writeString(dir.resolve(Names.OWNER_FILE), owner);
    Files.createDirectories(DIR);
    Files.writeString(DIR.resolve(id), owner);
  }

  /** Reserves a free bastion link for sandbox {@code id}; IllegalStateException when all are taken. */
  public static int reserveSlot(String id) throws IOException {
    Files.createDirectories(DIR);
    for (int slot = 0; slot < SLOTS; slot++) {
      try {
        Files.writeString(DIR.resolve("slot-" + slot), id + "\n", StandardCharsets.UTF_8,
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return slot;
      } catch (FileAlreadyExistsException e) {
        // taken by a running sandbox; try the next
      }
    }
    throw new IllegalStateException(SLOTS + " sandboxes are running on this machine already (see " + DIR
        + "); close some before starting another");
  }

  /** Forgets sandbox {@code id}: its owner entry and its link slot. */
  static void forget(String id) {
    try (Stream<Path> s = Files.list(DIR)) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (name.equals(id) || (name.startsWith("slot-") && id.equals(read(p)))) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      // nothing registered, or a stale entry that names a dead JVM and is treated as such
    }
  }

  /** Every id the registry names, as owner or as a slot holder. */
  static List<String> ids() {
    List<String> ids = new ArrayList<>();
    try (Stream<Path> s = Files.list(DIR)) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        String id = name.startsWith("slot-") ? read(p) : name;
        if (id.matches("[a-z0-9]{6}")) {
          ids.add(id);
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    return ids;
  }

  /** Whether the JVM registered as the owner of sandbox {@code id} is still running. */
  static boolean ownerAlive(String id) {
    try {
      String[] parts = read(DIR.resolve(id)).split(" ");
      long pid = Long.parseLong(parts[0]);
      long start = Long.parseLong(parts[1]);
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(Registry::startMillis)
          .map(s -> s == start).orElse(false);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "";
    }
  }

  private static long startMillis(ProcessHandle p) {
    return p.info().startInstant().map(i -> i.toEpochMilli()).orElse(-1L);
  }
}
