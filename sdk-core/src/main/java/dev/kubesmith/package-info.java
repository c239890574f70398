/** kubesmith: build self-managed Kubernetes clusters over SSH. */
package dev.kubesmith;
