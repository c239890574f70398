package dev.kubesmith.addons.storage;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.ComponentProvider;
import dev.kubesmith.spec.ComponentSpec;

/**
 * Finds {@link RookCeph} by name ({@value RookCeph#NAME}) through {@code ServiceLoader}. It is an
 * addon the caller names, never a default.
 *
 * <pre>{@code
 * Component storage = new RookCephProvider().create(ComponentSpec.of("rook-ceph", Map.of("devices", "sdb,sdc")));
 * }</pre>
 */
public final class RookCephProvider implements ComponentProvider {
  @Override
  public String name() {
    return RookCeph.NAME;
  }

  @Override
  public ComponentKind kind() {
    return ComponentKind.ADDON;
  }

  /** Never throws: settings it cannot read are reported by {@link RookCeph#validate}. */
  @Override
  public Component create(ComponentSpec spec) {
    return RookCeph.of(spec);
  }
}
