package dev.kubesmith.backup;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.ComponentProvider;
import dev.kubesmith.spec.ComponentSpec;

/**
 * {@link Velero} under the name {@value Velero#ALIAS}, for {@code --backup backup} and YAML specs that
 * name the concept rather than the tool; the component it makes describes itself as {@value Velero#NAME}.
 *
 * <pre>{@code
 * Component backup = Components.named("backup").orElseThrow().create(ComponentSpec.of("backup"));
 * }</pre>
 */
public final class BackupProvider implements ComponentProvider {
  @Override
  public String name() {
    return Velero.ALIAS;
  }

  @Override
  public ComponentKind kind() {
    return ComponentKind.BACKUP;
  }

  @Override
  public Component create(ComponentSpec spec) {
    return Velero.of(spec);
  }
}
