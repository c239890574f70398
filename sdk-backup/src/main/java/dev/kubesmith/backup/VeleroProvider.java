package dev.kubesmith.backup;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.ComponentProvider;
import dev.kubesmith.spec.ComponentSpec;

/**
 * Finds {@link Velero} by name ({@value Velero#NAME}) through {@code ServiceLoader}; {@link BackupProvider}
 * answers to {@value Velero#ALIAS}. Backup is never a default: the caller names it.
 *
 * <pre>{@code
 * Component backup = Components.named("velero").orElseThrow()
 *     .create(ComponentSpec.of("velero", Map.of("schedule.test-daily", "cron=@daily,namespaces=test,ttl=168h")));
 * }</pre>
 */
public final class VeleroProvider implements ComponentProvider {
  @Override
  public String name() {
    return Velero.NAME;
  }

  @Override
  public ComponentKind kind() {
    return ComponentKind.BACKUP;
  }

  /** Never throws: settings it cannot read are reported by {@link Velero#validate}. */
  @Override
  public Component create(ComponentSpec spec) {
    return Velero.of(spec);
  }
}
