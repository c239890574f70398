/** The NFS host outside the cluster: NFSv4 export to the private networks, firewall. See {@link dev.kubesmith.backup.nfs.NfsServer}. */
package dev.kubesmith.backup.nfs;
