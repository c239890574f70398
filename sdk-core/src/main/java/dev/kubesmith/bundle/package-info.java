/** Offline bundles: what {@code apply} installs, computed ahead and served to hosts without Internet access. */
package dev.kubesmith.bundle;
