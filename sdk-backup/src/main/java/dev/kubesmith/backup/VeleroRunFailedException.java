package dev.kubesmith.backup;

import java.util.List;

/**
 * A Velero Backup or Restore that ended Failed, PartiallyFailed or FailedValidation, or did not finish
 * in time. Carries the kind, name, last phase, Velero's failure reason and validation errors.
 */
public final class VeleroRunFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String kind;
  private final String name;
  private final String phase;
  private final String failureReason;
  private final transient List<String> validationErrors;

  VeleroRunFailedException(String message, String kind, String name, String phase, String failureReason,
      List<String> validationErrors) {
    super(message);
    this.kind = kind;
    this.name = name;
    this.phase = phase;
    this.failureReason = failureReason;
    this.validationErrors = List.copyOf(validationErrors);
  }

  /** Backup or Restore. */
  public String kind() {
    return kind;
  }

  public String name() {
    return name;
  }

  /** The last phase seen; null when the object never got a status. */
  public String phase() {
    return phase;
  }

  /** {@code status.failureReason}, or null. */
  public String failureReason() {
    return failureReason;
  }

  /** {@code status.validationErrors}. */
  public List<String> validationErrors() {
    return validationErrors;
  }
}
