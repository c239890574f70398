package dev.kubesmith.addons.logging;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.ComponentProvider;
import dev.kubesmith.spec.ComponentSpec;

/**
 * Finds {@link Logging} by name ({@value Logging#NAME}) through {@code ServiceLoader}. It is an addon
 * the caller names, never a default.
 */
public final class LoggingProvider implements ComponentProvider {
  @Override
  public String name() {
    return Logging.NAME;
  }

  @Override
  public ComponentKind kind() {
    return ComponentKind.ADDON;
  }

  /** Never throws: settings it cannot read are reported by {@link Logging#validate}. */
  @Override
  public Component create(ComponentSpec spec) {
    return Logging.of(spec);
  }
}
