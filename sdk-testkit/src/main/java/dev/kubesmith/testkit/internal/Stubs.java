package dev.kubesmith.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * The stub commands: one bash dispatcher ({@code kubesmith-stub}) with a symlink per stubbed command
 * and its handlers in {@code .kubesmith/}. The directory is mounted as the top layer of each host's
 * {@code /usr/local/sbin}, which comes first on root's PATH, so SSH sessions and {@code exec} see
 * the stubs before the machine's real programs.
 */
public final class Stubs {
  /** Every command the sandbox stands in for. */
  public static final Set<String> COMMANDS = Set.of(
      "apt-get", "apt-mark", "dnf", "yum",
      "systemctl", "hostnamectl", "swapoff", "swapon", "modprobe", "lsmod", "sysctl",
      "kubeadm", "kubelet", "kubectl", "containerd",
      "curl", "gpg", "reboot", "shutdown", "poweroff", "halt");
  private static final String DISPATCHER = "kubesmith-stub";
  /** The handler scripts in {@code .kubesmith/} the dispatcher sources ({@code api.sh} also runs on its own). */
  public static final List<String> LIBRARIES = List.of("packages.sh", "kube.sh", "kubeadm.sh", "kubeadm-join.sh", "kube-api.sh", "api.sh", "system.sh");

  private Stubs() {}

  /** Writes the stub directory; returns it. */
  public static Path install(Path dir) {
    try {
      Files.createDirectories(dir.resolve(".kubesmith"));
      copy(DISPATCHER, dir.resolve(DISPATCHER));
      Files.setPosixFilePermissions(dir.resolve(DISPATCHER), PosixFilePermissions.fromString("rwxr-xr-x"));
      for (String lib : LIBRARIES) {
        copy(lib, dir.resolve(".kubesmith").resolve(lib));
      }
      for (String command : COMMANDS) {
        Files.createSymbolicLink(dir.resolve(command), Path.of(DISPATCHER));
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the sandbox stubs to " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The text a stub prints on stderr for an injected failure when the test gives none. */
  public static String defaultFailure(String command, int exitCode) {
    return switch (command) {
      case "apt-get", "apt-mark" -> "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)\n"
          + "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?\n";
      case "dnf", "yum" -> "Error: Failed to download metadata for repo 'kubernetes': Cannot download repomd.xml\n";
      default -> "kubesmith sandbox: injected failure of " + command + " (exit " + exitCode + ")\n";
    };
  }

  /** The bundled script text (for checks such as shellcheck). */
  public static String script(String name) {
    try (InputStream in = resource(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copy(String name, Path target) throws IOException {
    try (InputStream in = resource(name)) {
      Files.copy(in, target);
    }
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = Stubs.class.getResourceAsStream("/dev/kubesmith/testkit/stubs/" + name);
    if (in == null) {
      throw new IOException("the testkit jar lacks the stub " + name);
    }
    return in;
  }
}
