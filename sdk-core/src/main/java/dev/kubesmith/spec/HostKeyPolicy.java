package dev.kubesmith.spec;

/** How SSH host keys are verified. There is deliberately no "accept anything". */
public enum HostKeyPolicy {
  /** Only keys already in the known_hosts file are accepted (default). */
  STRICT,
  /** An unknown host's key is recorded in the known_hosts file; a changed key is still refused. */
  TRUST_ON_FIRST_USE
}
