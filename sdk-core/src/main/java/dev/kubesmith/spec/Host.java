package dev.kubesmith.spec;

import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.immutables.value.Value;

/**
 * One machine of the inventory: its name, private IP, optional public IP and its roles.
 *
 * <pre>{@code
 * Host m1 = Host.of("master1", "192.168.4.11", Role.MASTER);
 * }</pre>
 */
@Value.Immutable
@KubesmithStyle
public interface Host {
  /** Hostname; also the node name in Kubernetes. */
  String name();

  /** Address on the cluster's private network. */
  String privateIp();

  /** Address on the public side, if the host has one. */
  Optional<String> publicIp();

  /** What the host does; never empty in a valid spec. */
  Set<Role> roles();

  /** SSH port when it is not the cluster's default. */
  OptionalInt sshPort();

  /** SSH user when it is not the cluster's default. */
  Optional<String> sshUser();

  /** Memory in MiB when declared (used to warn about Elasticsearch sizing). */
  OptionalInt memoryMib();

  default boolean has(Role role) {
    return roles().contains(role);
  }

  static Host of(String name, String privateIp, Role... roles) {
    return builder().name(name).privateIp(privateIp).roles(Arrays.asList(roles)).build();
  }

  static ImmutableHost.Builder builder() {
    return ImmutableHost.builder();
  }
}
