/**
 * Backup of a kubesmith cluster: {@link dev.kubesmith.backup.Velero} (NFS host, MinIO, Velero with
 * schedules, etcd snapshots), {@link dev.kubesmith.backup.BackupSchedule}, pod volume opt-in with
 * {@link dev.kubesmith.backup.VolumeBackups}, and on-demand backups and restores with
 * {@link dev.kubesmith.backup.VeleroRuns}.
 *
 * <pre>{@code
 * Velero backup = Velero.minioOnNfs("nfs1", "/srv/backup")
 *     .schedule("test-daily", s -> s.daily().includeNamespaces("test").ttl(Duration.ofDays(7)));
 * }</pre>
 */
package dev.kubesmith.backup;
