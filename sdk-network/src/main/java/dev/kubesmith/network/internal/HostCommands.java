package dev.kubesmith.network.internal;

import dev.kubesmith.plan.FileArtifact;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Shell commands the network steps share: installing packages on Debian or RHEL hosts and checking
 * that files on a host hold exactly what the plan rendered. Every command is POSIX {@code sh}.
 *
 * <pre>{@code
 * String install = HostCommands.installPackages("haproxy", "keepalived");
 * String same = HostCommands.filesMatch(step.files());   // exits 0 when every file is as rendered
 * }</pre>
 */
public final class HostCommands {
  private HostCommands() {}

  /**
   * Installs the packages with apt-get or dnf, whichever the host has; does nothing when every
   * package's command of the same name is already there (so re-runs stay offline). dpkg keeps
   * configuration files the plan wrote before the package came (no conffile prompt).
   */
  public static String installPackages(String... packages) {
    String names = String.join(" ", packages);
    String missing = List.of(packages).stream()
        .map(p -> "! command -v " + p + " >/dev/null 2>&1")
        .collect(Collectors.joining(" || "));
    return "if " + missing + "; then"
        + " if command -v apt-get >/dev/null 2>&1; then"
        + " apt-get -q update && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends"
        + " -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold " + names + ";"
        + " elif command -v dnf >/dev/null 2>&1; then dnf install -y -q " + names + ";"
        + " else echo 'kubesmith: neither apt-get nor dnf found; install " + names + " by hand' >&2; exit 1;"
        + " fi; fi";
  }

  /** Exits 0 when every file on the host has the SHA-256 of its rendered content. */
  public static String filesMatch(List<FileArtifact> files) {
    String lines = files.stream()
        .map(f -> sha256(f.content()) + "  " + f.path())
        .collect(Collectors.joining("\\n"));
    return "printf '" + lines + "\\n' | sha256sum --check --status";
  }

  /** Lower-case hex SHA-256 of the UTF-8 text. */
  public static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
