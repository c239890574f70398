/**
 * The HA front: HAProxy + Keepalived on the load balancer hosts, with the floating private and
 * public IPs. {@link dev.kubesmith.network.lb.LoadBalancerPair} is the component; the renderers
 * ({@link dev.kubesmith.network.lb.HaproxyConfig}, {@link dev.kubesmith.network.lb.KeepalivedConfig},
 * {@link dev.kubesmith.network.lb.HaproxyCheckScript}) are pure functions of the spec.
 */
package dev.kubesmith.network.lb;
