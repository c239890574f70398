/**
 * Persistent storage: {@link dev.kubesmith.addons.storage.RookCeph} installs the rook-ceph operator
 * from its pinned upstream manifests and writes the CephCluster, the replicated block pool and the
 * default StorageClass in code ({@link dev.kubesmith.addons.storage.RookCephManifests}). The CSI
 * resources of upstream's operator.yaml are applied apart, after the ceph-csi-operator bundle, and
 * only when the caller gives that bundle's checksum.
 */
package dev.kubesmith.addons.storage;
