package dev.kubesmith.plan;

/** The build's phases in the order the seed runs them. A step may depend on whole phases. */
public enum Phase {
  /** swap, kernel modules, sysctl, /etc/hosts, containerd, kubelet/kubeadm/kubectl. */
  PREPARE_HOSTS,
  /** iptables rules on every host. */
  FIREWALL,
  /** HAProxy + Keepalived on the load balancer pair. */
  LOAD_BALANCER,
  /** kubeadm init on the first master. */
  CONTROL_PLANE,
  /** The CNI applied through the Kubernetes API. */
  POD_NETWORK,
  /** The other masters joined one at a time. */
  JOIN_MASTERS,
  /** Workers joined in parallel. */
  JOIN_WORKERS,
  /** Waiting for nodes Ready, labels and taints. */
  NODES,
  /** Persistent storage (rook-ceph). */
  STORAGE,
  /** Ingress, monitoring, logging. */
  ADDONS,
  /** NFS host, MinIO, Velero, etcd snapshots. */
  BACKUP
}
