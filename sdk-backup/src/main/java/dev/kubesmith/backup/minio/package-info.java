/** MinIO on the NFS export, and its generated root credential. See {@link dev.kubesmith.backup.minio.MinioManifests}. */
package dev.kubesmith.backup.minio;
