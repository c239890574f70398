package dev.kubesmith.network.firewall;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Renders {@code /usr/local/lib/kubesmith/apply-firewall.sh}, which loads the set of the inventory's
 * addresses ({@link IptablesRules#renderSet}, replaced atomically with {@code ipset swap}) and applies
 * {@link IptablesRules} and {@link Ip6tablesRules} on a running node without disturbing kube-proxy or Calico: it creates
 * the {@code KUBESMITH-*} chains and the jumps into them only when missing (first in INPUT and
 * PREROUTING, last in FORWARD), then loads each file with {@code iptables-restore --noflush}, which
 * flushes and refills just the chains the file declares and sets the policies in one transaction. It installs and enables the boot-time loader (netfilter-persistent on Debian,
 * iptables-services on RHEL) and records what it applied, so {@code --check} can tell whether the
 * live chain still matches. The same script serves every host; it reads the host's own rules file.
 * The script's text is the resource {@code apply-firewall.sh} next to this class.
 *
 * <pre>{@code
 * FileArtifact script = FileArtifact.of(FirewallScript.PATH, FirewallScript.render(), FirewallScript.MODE);
 * }</pre>
 */
public final class FirewallScript {
  /** Path of the script on every host. */
  public static final String PATH = "/usr/local/lib/kubesmith/apply-firewall.sh";
  public static final int MODE = 0755;
  /** Where the script records the state it applied; {@code KUBESMITH_STATE_DIR} overrides it. */
  public static final String STATE_DIR = "/var/lib/kubesmith";

  /** One instance for every host, so a plan of many hosts holds (and renders) it once. */
  private static final String RENDERED = template().replace("@SET@", IptablesRules.SET_PATH)
      .replace("@SET_NAME@", IptablesRules.SET)
      .replace("@RULES@", IptablesRules.PATH)
      .replace("@RULES6@", Ip6tablesRules.PATH)
      .replace("@STATE_DIR@", STATE_DIR)
      .replace("@USE_BUNDLE@", dev.kubesmith.bundle.OfflineInstall.USE_BUNDLE.strip())
      .replace("@APT_HINT@", dev.kubesmith.network.internal.HostCommands.aptHint("iptables iptables-persistent ipset"));

  private FirewallScript() {}

  /** The script; pure, always the same text (the same String instance). */
  public static String render() {
    return RENDERED;
  }

  private static String template() {
    try (InputStream in = FirewallScript.class.getResourceAsStream("apply-firewall.sh")) {
      if (in == null) {
        throw new IllegalStateException("apply-firewall.sh is missing from the sdk-network jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read apply-firewall.sh from the sdk-network jar", e);
    }
  }
}
