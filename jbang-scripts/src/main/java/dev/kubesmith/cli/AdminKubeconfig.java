package dev.kubesmith.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The admin kubeconfig the commands after {@code apply} use: {@code --kubeconfig FILE}, else
 * {@code admin.conf} in {@code --state-dir}, else in {@code ~/.kubesmith/<cluster name>}. Shared by
 * {@code status} and {@code backup now}.
 */
final class AdminKubeconfig {
  private AdminKubeconfig() {}

  /** The file's text, or empty with the problem (naming the option and the fix) added. */
  static Optional<String> read(Path kubeconfig, Path stateDir, String clusterName, Failures failures) {
    if (stateDir != null && kubeconfig != null) {
      failures.add(KubesmithCli.USAGE, "--state-dir and --kubeconfig: give one of them, not both");
      return Optional.empty();
    }
    Path file = kubeconfig != null ? kubeconfig : (stateDir != null ? stateDir
        : Path.of(System.getProperty("user.home"), ".kubesmith", clusterName)).resolve("admin.conf");
    String option = kubeconfig != null ? "--kubeconfig " + file : "admin.conf " + file;
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      failures.add(KubesmithCli.INVALID_INPUT, option + ": no such readable file; run 'kubesmith apply' first, or "
          + "give the state directory it used (--state-dir) or the admin kubeconfig (--kubeconfig)");
      return Optional.empty();
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      if (!isKubeconfig(text)) {
        failures.add(KubesmithCli.INVALID_INPUT, option + ": is not a kubeconfig with a current context and a "
            + "server; give the admin.conf that 'kubesmith apply' wrote");
        return Optional.empty();
      }
      return Optional.of(text);
    } catch (IOException e) {
      failures.add(KubesmithCli.UPSTREAM_OR_IO, option + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private static boolean isKubeconfig(String text) {
    try {
      // fabric8 fills in defaults (a server URL) for what a file lacks: insist on a context of its own.
      io.fabric8.kubernetes.client.Config config = io.fabric8.kubernetes.client.Config.fromKubeconfig(text);
      return config.getCurrentContext() != null && config.getMasterUrl() != null
          && config.getMasterUrl().startsWith("https://");
    } catch (RuntimeException e) {
      return false;
    }
  }
}
