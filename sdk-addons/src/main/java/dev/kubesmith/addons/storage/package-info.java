/**
 * Persistent storage: {@link dev.kubesmith.addons.storage.RookCeph} installs the rook-ceph operator
 * from its pinned upstream manifests and writes the CephCluster, the replicated block pool and the
 * default StorageClass in code ({@link dev.kubesmith.addons.storage.RookCephManifests}).
 */
package dev.kubesmith.addons.storage;
