/**
 * Ingress: {@link dev.kubesmith.addons.ingress.Traefik} installs the pinned traefik.io CRDs and runs
 * Traefik v3 as a host-port DaemonSet ({@link dev.kubesmith.addons.ingress.TraefikManifests});
 * {@link dev.kubesmith.addons.ingress.BasicAuth} puts bcrypt basic auth in front of a route.
 */
package dev.kubesmith.addons.ingress;
