package dev.kubesmith.spec;

/** The shape of the control plane. */
public enum Topology {
  /** An odd number (3+) of masters behind a pair of load balancers with floating IPs. */
  HA,
  /** One master, no load balancers; the ingress runs on the master. */
  SINGLE_MASTER
}
