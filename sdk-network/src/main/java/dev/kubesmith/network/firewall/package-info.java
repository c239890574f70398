/**
 * Host hardening: an iptables firewall on every host, applied without disturbing the chains of
 * kube-proxy and Calico. {@link dev.kubesmith.network.firewall.Firewall} is the component,
 * {@link dev.kubesmith.network.firewall.IptablesRules} and
 * {@link dev.kubesmith.network.firewall.FirewallScript} render what it writes.
 */
package dev.kubesmith.network.firewall;
