package dev.kubesmith.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The stub commands: one bash dispatcher ({@code kubesmith-stub}) with a symlink per stubbed command
 * and its handlers in {@code .kubesmith/}. The directory is mounted as the top layer of each host's
 * {@code /usr/local/sbin}, which comes first on root's PATH, so SSH sessions and {@code exec} see
 * the stubs before the machine's real programs. The kubeadm stub reads {@code --config} with {@link
 * dev.kubesmith.testkit.internal.kubeadm.KubeadmConfigCheck}, run by this JVM's {@code java}: its
 * classes and the YAML parser it needs are copied to {@code .kubesmith/java} (the host cannot see the
 * Maven repository under /root), and the path of {@code java} to {@code .kubesmith/java/jvm}.
 */
public final class Stubs {
  /** Every command the sandbox stands in for. */
  public static final Set<String> COMMANDS = Set.of(
      "apt-get", "apt-mark", "dnf", "yum",
      "systemctl", "hostnamectl", "swapoff", "swapon", "modprobe", "lsmod", "sysctl",
      "kubeadm", "kubelet", "kubectl", "containerd",
      "curl", "gpg", "reboot", "shutdown", "poweroff", "halt");
  private static final String DISPATCHER = "kubesmith-stub";
  static final String CHECK_PACKAGE = "dev/kubesmith/testkit/internal/kubeadm/";
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
      installConfigCheck(dir.resolve(".kubesmith").resolve("java"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the sandbox stubs to " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void installConfigCheck(Path java) throws IOException {
    copyConfigCheck(codeSource(dev.kubesmith.testkit.internal.kubeadm.KubeadmConfigCheck.class), java.resolve("classes"));
    Files.createDirectories(java.resolve("lib"));
    Files.copy(codeSource(org.snakeyaml.engine.v2.api.LoadSettings.class), java.resolve("lib").resolve("snakeyaml-engine.jar"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(java.resolve("jvm"), Path.of(System.getProperty("java.home"), "bin", "java") + "\n");
  }

  /** Copies the config check's classes from where they were loaded, a class directory (a build) or the testkit's jar. */
  static void copyConfigCheck(Path own, Path classes) throws IOException {
    Files.createDirectories(classes.resolve(CHECK_PACKAGE));
    if (Files.isDirectory(own)) {
      try (Stream<Path> files = Files.list(own.resolve(CHECK_PACKAGE))) {
        for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
          Files.copy(f, classes.resolve(CHECK_PACKAGE).resolve(f.getFileName().toString()));
        }
      }
    } else {
      try (JarFile jar = new JarFile(own.toFile())) {
        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
          JarEntry entry = e.nextElement();
          if (entry.getName().startsWith(CHECK_PACKAGE) && entry.getName().endsWith(".class")) {
            try (InputStream in = jar.getInputStream(entry)) {
              Files.copy(in, classes.resolve(entry.getName()));
            }
          }
        }
      }
    }
  }

  private static Path codeSource(Class<?> c) throws IOException {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IOException("cannot find where " + c.getName() + " was loaded from: " + e.getMessage(), e);
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
