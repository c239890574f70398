package dev.kubesmith.exec;

import java.util.List;

/**
 * The build stopped: a step failed (the cause, naming host, step, command, exit code and stderr) or
 * it was cancelled. Steps that finished are in the journal, so the same build run again resumes.
 */
public final class BuildFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient List<String> completed;
  private final boolean cancelled;

  BuildFailedException(String message, Throwable cause, List<String> completed, boolean cancelled) {
    super(message, cause);
    this.completed = List.copyOf(completed);
    this.cancelled = cancelled;
  }

  /** Steps done before the build stopped (ran or found done). */
  public List<String> completed() {
    return completed;
  }

  public boolean cancelled() {
    return cancelled;
  }
}
