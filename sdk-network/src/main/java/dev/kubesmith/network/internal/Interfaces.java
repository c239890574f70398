package dev.kubesmith.network.internal;

import dev.kubesmith.plan.Facts;
import dev.kubesmith.spec.Host;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The network interfaces a host's rendered files name: the one carrying its private IP and, for a
 * host with a public IP, the one carrying that. Unless the user named an interface explicitly, a
 * file holds the host's fact placeholder (e.g. {@code {{fact:lb1:private-interface}}}), which the
 * executor fills with what {@code facts@<host>} read on the host, so nothing assumes {@code eth0}.
 *
 * <pre>{@code
 * String nic = Interfaces.privateOf(lb1, Optional.empty());        // {{fact:lb1:private-interface}}
 * String fixed = Interfaces.privateOf(lb1, Optional.of("bond0"));  // bond0
 * }</pre>
 */
public final class Interfaces {
  /** Linux interface names: at most 15 characters, no '/' or whitespace. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:@-]{1,15}");

  private Interfaces() {}

  /** The private interface of {@code host}: the override when given, else its fact placeholder. */
  public static String privateOf(Host host, Optional<String> override) {
    return override.orElseGet(() -> Facts.placeholder(host.name(), Facts.PRIVATE_INTERFACE));
  }

  /** The public interface of {@code host}, empty when the host has no public IP. */
  public static Optional<String> publicOf(Host host, Optional<String> override) {
    if (host.publicIp().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(override.orElseGet(() -> Facts.placeholder(host.name(), Facts.PUBLIC_INTERFACE)));
  }

  /** Whether a text names an interface through a fact, so its step must depend on {@code facts@<host>}. */
  public static boolean usesFacts(String text) {
    return !Facts.referencedIn(text).isEmpty();
  }
}
