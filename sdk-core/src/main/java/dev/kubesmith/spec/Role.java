package dev.kubesmith.spec;

import java.util.Locale;

/** What a host does in the cluster, in the words of the hosts file. */
public enum Role {
  /** The only host that accepts SSH from outside; every other host is reached through it. */
  BASTION,
  /** One of the HAProxy + Keepalived pair in front of the masters and the ingress. */
  LB,
  /** A control-plane node. */
  MASTER,
  /** A worker node. */
  WORKER,
  /** The NFS server outside the cluster that holds backups. */
  NFS;

  /** The lower-case name used in hosts files and YAML. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a role label; throws with the accepted labels when it is not one. */
  public static Role parse(String label) {
    for (Role r : values()) {
      if (r.label().equalsIgnoreCase(label.trim())) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "unknown role '" + label + "'; use one of bastion, lb, master, worker, nfs");
  }
}
