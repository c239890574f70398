package dev.kubesmith.network.testing;

import dev.kubesmith.plan.Facts;
import java.util.HashMap;
import java.util.Map;

/**
 * Fills fact placeholders as the executor does after {@code facts@<host>} ran, with the interface
 * names of a Debian 12 or Ubuntu host: {@value #PRIVATE} on the private network, {@value #PUBLIC} on
 * the public one. Tests run the filled text (keepalived, iptables-restore) in namespaces whose
 * interfaces carry these names, so nothing passes only because it says {@code eth0}.
 *
 * <pre>{@code
 * String conf = HostFacts.fill(KeepalivedConfig.render(spec, lb1, settings));   // ... interface ens3 ...
 * }</pre>
 */
public final class HostFacts {
  public static final String PRIVATE = "ens3";
  public static final String PUBLIC = "ens4";

  private HostFacts() {}

  public static String fill(String text) {
    Map<String, String> values = new HashMap<>();
    for (String key : Facts.referencedIn(text)) {
      String name = key.substring(key.indexOf(':') + 1);
      values.put(key, switch (name) {
        case Facts.PRIVATE_INTERFACE -> PRIVATE;
        case Facts.PUBLIC_INTERFACE -> PUBLIC;
        default -> throw new IllegalArgumentException("no test value for fact " + key);
      });
    }
    return Facts.fill(text, values);
  }
}
