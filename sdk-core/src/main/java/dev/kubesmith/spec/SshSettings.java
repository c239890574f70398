package dev.kubesmith.spec;

import java.util.Optional;
import org.immutables.value.Value;

/**
 * How the SDK reaches hosts: user, key file, port, the bastion every connection goes through and
 * how host keys are verified. Holds no secret: a key passphrase is given at run time, never stored.
 */
@Value.Immutable
@KubesmithStyle
public interface SshSettings {
  /** Login user; when it is not root, commands run with {@code sudo -n}. */
  @Value.Default
  default String user() {
    return "root";
  }

  /** Path of an OpenSSH private key file; the default identity files when absent. */
  Optional<String> privateKey();

  @Value.Default
  default int port() {
    return 22;
  }

  /**
   * The bastion: the name of an inventory host with role bastion (or its public address). When set,
   * every other host is reached through it and the firewall admits SSH only from it.
   */
  Optional<String> bastion();

  @Value.Default
  default HostKeyPolicy hostKeyPolicy() {
    return HostKeyPolicy.STRICT;
  }

  /** known_hosts file; {@code ~/.ssh/known_hosts} when absent. */
  Optional<String> knownHosts();

  @Value.Default
  default int connectTimeoutSeconds() {
    return 15;
  }

  @Value.Default
  default int commandTimeoutSeconds() {
    return 900;
  }

  static SshSettings defaults() {
    return builder().build();
  }

  static ImmutableSshSettings.Builder builder() {
    return ImmutableSshSettings.builder();
  }
}
