/**
 * The pod network: {@link dev.kubesmith.network.cni.Calico} from its pinned upstream manifest,
 * patched in code by {@link dev.kubesmith.network.cni.CalicoManifest}.
 */
package dev.kubesmith.network.cni;
