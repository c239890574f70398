package dev.kubesmith.spec;

import java.util.List;
import org.immutables.value.Value;

/**
 * The cluster's address plan: host private networks, pod CIDR and service CIDR, which must not
 * overlap one another. {@link #notes()} says where a default was moved to avoid an overlap.
 */
@Value.Immutable
@KubesmithStyle
public interface NetworkPlan {
  /** kubeadm's default service range. */
  String DEFAULT_SERVICE_CIDR = "10.96.0.0/12";
  /** The seed's pod range. */
  String DEFAULT_POD_CIDR = "10.0.0.0/16";

  String podCidr();

  String serviceCidr();

  /** The private networks the hosts are on (given, or each private IP's /24). */
  List<String> hostNetworks();

  /** Size of each node's slice of the pod CIDR (kube-controller-manager's node-cidr-mask-size-ipv4, which kubeadm checks). */
  @Value.Default
  default int nodeCidrMaskSize() {
    return 24;
  }

  @Value.Default
  default String dnsDomain() {
    return "cluster.local";
  }

  /** What the planner decided on the caller's behalf, e.g. a default range moved off the host network. */
  List<String> notes();

  static ImmutableNetworkPlan.Builder builder() {
    return ImmutableNetworkPlan.builder();
  }
}
