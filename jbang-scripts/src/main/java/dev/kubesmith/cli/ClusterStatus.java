package dev.kubesmith.cli;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@code kubesmith status} found, as data: filled by {@link StatusProbe}, printed and judged by
 * {@link StatusReport}. Parts that could not be learned are empty and named in {@link #unreachable()}.
 */
record ClusterStatus(String cluster, String topology, List<NodeStatus> nodes, List<String> missingNodes,
    List<AddonStatus> addons, List<VipStatus> vips, Optional<CertificateStatus> certificate,
    List<String> unreachable) {
  ClusterStatus {
    nodes = List.copyOf(nodes);
    missingNodes = List.copyOf(missingNodes);
    addons = List.copyOf(addons);
    vips = List.copyOf(vips);
    unreachable = List.copyOf(unreachable);
  }

  /** A Kubernetes node: Ready or not (with the reason), its roles, kubelet version and internal IP. */
  record NodeStatus(String name, boolean ready, String reason, List<String> roles, String version,
      String internalIp) {
    NodeStatus {
      roles = List.copyOf(roles);
    }
  }

  /** Whether an addon is there, found by the namespace and the workloads it creates. */
  record AddonStatus(String name, State state, String detail, boolean expected) {
    enum State {
      /** Its namespace and workloads exist and every workload is ready. */
      READY,
      /** Its namespace exists, but a workload is missing or not ready (detail says which). */
      NOT_READY,
      /** No namespace of it. */
      ABSENT
    }
  }

  /**
   * A floating IP and the load balancers that hold it, found with {@code ip -o addr} over SSH; hosts
   * that could not be asked are in {@code unreachable}.
   */
  record VipStatus(String kind, String address, List<String> holders, List<String> unreachable) {
    VipStatus {
      holders = List.copyOf(holders);
      unreachable = List.copyOf(unreachable);
    }
  }

  /** The API server's serving certificate, as read from its TLS handshake. */
  record CertificateStatus(String subject, Instant notBefore, Instant notAfter) {}
}
