/** Monitoring: kube-prometheus with Prometheus on rook-ceph storage and the web UIs behind Traefik. */
package dev.kubesmith.addons.monitoring;
