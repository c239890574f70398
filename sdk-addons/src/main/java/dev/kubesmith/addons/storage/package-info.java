/**
 * Persistent storage: {@link dev.kubesmith.addons.storage.RookCeph} installs the rook-ceph operator
 * from its pinned upstream manifests and writes the CephCluster, the replicated block pool and the
 * default StorageClass in code ({@link dev.kubesmith.addons.storage.RookCephManifests}). The CSI
 * resources of upstream's operator.yaml are applied apart, after the pinned ceph-csi-operator bundle
 * (csi-operator.yaml) has served their CRDs.
 */
package dev.kubesmith.addons.storage;
