package dev.kubesmith.testkit.internal;

import dev.kubesmith.spec.Role;
import java.util.Optional;
import java.util.Set;

/**
 * One simulated host as the sandbox will build it: validated name and sandbox addresses.
 *
 * @param index position in the sandbox (names its bridge ports, {@code p<index>} and {@code q<index>})
 */
public record HostPlan(String name, String privateIp, Optional<String> publicIp, Set<Role> roles, int index) {
  public HostPlan {
    roles = Set.copyOf(roles);
  }

  public boolean bastion() {
    return roles.contains(Role.BASTION);
  }
}
