package dev.kubesmith.testkit.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** What the sandbox needs from the machine: root, and the programs it drives. */
public final class Machine {
  /** program -> Debian package that has it. */
  private static final Map<String, String> TOOLS = new LinkedHashMap<>();

  static {
    TOOLS.put("ip", "iproute2");
    TOOLS.put("unshare", "util-linux");
    TOOLS.put("nsenter", "util-linux");
    TOOLS.put("flock", "util-linux");
    TOOLS.put("setsid", "util-linux");
    TOOLS.put("sshd", "openssh-server");
    TOOLS.put("ssh-keygen", "openssh-client");
    TOOLS.put("iptables", "iptables");
    TOOLS.put("bash", "bash");
  }

  private Machine() {}

  /** Throws IllegalStateException unless this process runs as root. */
  public static void requireRoot() {
    requireRoot(effectiveUid());
  }

  static void requireRoot(OptionalInt uid) {
    if (uid.isEmpty()) {
      throw new IllegalStateException("the sandbox needs Linux (network namespaces, overlay mounts); /proc/self/status is missing");
    }
    if (uid.getAsInt() != 0) {
      throw new IllegalStateException("the sandbox needs root (network namespaces, mounts); run the tests as root as CI does"
          + " (this process runs as uid " + uid.getAsInt() + ")");
    }
  }

  /** The effective uid from /proc/self/status, if readable. */
  static OptionalInt effectiveUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return OptionalInt.of(Integer.parseInt(line.substring(4).trim().split("\\s+")[1]));
        }
      }
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
    return OptionalInt.empty();
  }

  /** Throws IllegalStateException naming the missing programs and the packages that have them. */
  public static void requireTools() {
    List<String> missing = new ArrayList<>();
    TOOLS.forEach((tool, pkg) -> {
      if (!onPath(tool)) {
        missing.add(tool + " (" + pkg + ")");
      }
    });
    if (!missing.isEmpty()) {
      throw new IllegalStateException("the sandbox needs these programs: " + String.join(", ", missing)
          + "; install the packages named, e.g. apt-get install iproute2 util-linux openssh-server openssh-client iptables");
    }
  }

  /** Throws IllegalStateException unless {@code tool} is on the host PATH, naming the Debian package and why it is needed. */
  public static void requireTool(String tool, String pkg, String why) {
    if (!onPath(tool)) {
      throw new IllegalStateException("the sandbox needs " + tool + " " + why + "; install it, e.g. apt-get install " + pkg);
    }
  }

  private static boolean onPath(String tool) {
    return List.of(Proc.HOST_PATH.split(":")).stream().anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
  }

  /** The directory sandboxes live in: java.io.tmpdir, unless that is under a directory hosts overlay. */
  public static Path defaultBaseDir() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
    return usable(tmp) ? tmp : Path.of("/tmp");
  }

  /** Whether sandbox directories can live under {@code dir}: not under an overlaid directory, plain characters. */
  public static boolean usable(Path dir) {
    String s = dir.toAbsolutePath().normalize().toString();
    if (!s.matches("[A-Za-z0-9/._-]+")) {
      return false;
    }
    for (String overlaid : List.of("/etc", "/var", "/usr", "/opt", "/srv", "/home", "/root", "/run")) {
      if (s.equals(overlaid) || s.startsWith(overlaid + "/")) {
        return false;
      }
    }
    return true;
  }
}
