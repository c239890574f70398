package dev.kubesmith.addons.ingress;

import dev.kubesmith.component.Component;
import dev.kubesmith.component.ComponentKind;
import dev.kubesmith.component.ComponentProvider;
import dev.kubesmith.spec.ComponentSpec;

/**
 * Finds {@link Traefik} by name ({@value Traefik#NAME}) through {@code ServiceLoader}. It is an
 * addon the caller names, never a default.
 *
 * <pre>{@code
 * Component ingress = new TraefikProvider().create(ComponentSpec.of("traefik", Map.of("domain", "apps.example.com")));
 * }</pre>
 */
public final class TraefikProvider implements ComponentProvider {
  @Override
  public String name() {
    return Traefik.NAME;
  }

  @Override
  public ComponentKind kind() {
    return ComponentKind.ADDON;
  }

  /** Never throws: settings it cannot read are reported by {@link Traefik#validate}. */
  @Override
  public Component create(ComponentSpec spec) {
    return Traefik.of(spec);
  }
}
