package dev.kubesmith.component;

/** The extension points of a build; at most one component of each kind but ADDON. */
public enum ComponentKind {
  LOAD_BALANCER,
  FIREWALL,
  POD_NETWORK,
  ADDON,
  BACKUP;

  /** Whether a build may hold several components of this kind. */
  public boolean repeatable() {
    return this == ADDON;
  }
}
