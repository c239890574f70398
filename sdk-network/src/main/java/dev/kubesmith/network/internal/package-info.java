/** Implementation details shared by the network components; not an API. */
package dev.kubesmith.network.internal;
