/**
 * etcd snapshots on the masters ({@link dev.kubesmith.backup.etcd.EtcdSnapshots}) and kubeadm's restore
 * procedure as steps ({@link dev.kubesmith.backup.etcd.EtcdRestore}).
 */
package dev.kubesmith.backup.etcd;
