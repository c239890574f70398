package dev.kubesmith.network.internal;

import dev.kubesmith.plan.FileArtifact;
import dev.kubesmith.plan.Secrets;
import java.nio.charset.StandardCharsets;
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
    return dev.kubesmith.bundle.OfflineInstall.USE_BUNDLE + "if " + missing + "; then"
        + " if command -v apt-get >/dev/null 2>&1; then"
        + " { apt-get -q update && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends"
        + " -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold " + names + "; }"
        + " || { rc=$?; " + aptHint(names) + "; exit $rc; };"
        + " elif command -v dnf >/dev/null 2>&1; then dnf install -y -q " + names + ";"
        + " else echo 'kubesmith: neither apt-get nor dnf found; install " + names + " by hand' >&2; exit 1;"
        + " fi; fi";
  }

  /**
   * The message after a failed apt-get: from the offline bundle, or from the host's own sources
   * (which an air-gapped host cannot reach: the fix is a bundle).
   */
  public static String aptHint(String packages) {
    return "if [ -n \"${APT_CONFIG:-}\" ]; then echo \"kubesmith: the packages " + packages
        + " could not be installed on $(hostname) from the offline bundle; check that the bundle host serves it (systemctl status"
        + " kubesmith-bundle) and that the bundle is the one computed for this cluster (kubesmith bundle), then run"
        + " again\" >&2; else echo \"kubesmith: the packages " + packages + " could not be installed on $(hostname); if the host"
        + " cannot reach its package sources, install from an offline bundle: kubesmith bundle --out DIR, then"
        + " apply --bundle DIR (ApplyOptions.bundle)\" >&2; fi";
  }

  /**
   * Exits 0 when every file on the host holds what was rendered. A file holding fact placeholders
   * (see {@link dev.kubesmith.plan.Facts}) is compared with its text as filled for that host: the
   * executor fills the check like any command, so its digest cannot be computed here. Such files
   * must not hold secrets, which would then appear in the check.
   */
  public static String filesMatch(List<FileArtifact> files) {
    List<FileArtifact> plain = files.stream().filter(f -> !Interfaces.usesFacts(f.content())).toList();
    StringBuilder b = new StringBuilder();
    if (!plain.isEmpty()) {
      String lines = plain.stream()
          .map(f -> sha256(f.content()) + "  " + f.path())
          .collect(Collectors.joining("\\n"));
      b.append("printf '").append(lines).append("\\n' | sha256sum --check --status");
    }
    for (FileArtifact f : files) {
      if (Interfaces.usesFacts(f.content())) {
        if (!Secrets.referencedIn(f.content()).isEmpty()) {
          throw new IllegalArgumentException(f.path() + " holds both facts and secrets; its check would show the secrets");
        }
        b.append(b.length() == 0 ? "" : " && ").append(expected(f.content())).append(" | cmp -s - ").append(f.path());
      }
    }
    return b.length() == 0 ? "true" : b.toString();
  }

  /**
   * A command printing the text once its fact placeholders are filled: the literal parts go as
   * base64 (no quoting, no shell expansion to worry about), the placeholders as they are, for the
   * executor to fill with interface names.
   */
  private static String expected(String content) {
    java.util.regex.Matcher m = FACT.matcher(content);
    List<String> parts = new java.util.ArrayList<>();
    int at = 0;
    while (m.find()) {
      parts.add(literal(content.substring(at, m.start())));
      parts.add("printf '%s' '" + m.group() + "'");
      at = m.end();
    }
    parts.add(literal(content.substring(at)));
    return "{ " + parts.stream().filter(p -> !p.isEmpty()).collect(Collectors.joining("; ")) + "; }";
  }

  private static String literal(String text) {
    return text.isEmpty() ? "" : "printf '%s' "
        + java.util.Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + " | base64 -d";
  }

  private static final java.util.regex.Pattern FACT = java.util.regex.Pattern.compile("\\{\\{fact:[A-Za-z0-9._-]+:[a-z0-9-]+}}");

  /** The text as one single-quoted shell word. */
  public static String quote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }

  /** Lower-case hex SHA-256 of the UTF-8 text. */
  public static String sha256(String text) {
    return dev.kubesmith.internal.Sha256.hex(text);
  }
}
