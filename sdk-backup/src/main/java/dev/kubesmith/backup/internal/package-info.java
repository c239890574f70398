/** Helpers of the backup module; not API. */
package dev.kubesmith.backup.internal;
