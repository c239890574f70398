package dev.kubesmith.ssh;

import java.util.Objects;

/** Where to connect: a host's name (for messages), its address, port and user. */
public record SshTarget(String name, String address, int port, String user) {
  public SshTarget {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(user, "user");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535: " + port);
    }
  }

  public static SshTarget of(String name, String address) {
    return new SshTarget(name, address, 22, "root");
  }
}
