package dev.kubesmith.exec;

import dev.kubesmith.plan.Step;
import java.time.Duration;

/**
 * Events of a running build, for progress bars and embedding services. Called from executor
 * threads; implementations must be thread-safe and quick. Every method has a no-op default.
 *
 * <pre>{@code
 * BuildListener progress = new BuildListener() {
 *   public void progress(int done, int total) { bar.set(done, total); }
 * };
 * }</pre>
 */
public interface BuildListener {
  /** The step starts running: once per attempt, so again after each {@link #stepRetried}. */
  default void stepStarted(Step step) {}

  /** The step was already done (journal or its check) and did not run. */
  default void stepSkipped(Step step, String why) {}

  default void stepFinished(Step step, Duration took) {}

  default void stepFailed(Step step, Throwable error) {}

  /** A transient failure; the step runs again after {@code wait}. */
  default void stepRetried(Step step, int attempt, Duration wait, Throwable error) {}

  /** Steps finished or skipped so far, of all steps. */
  default void progress(int done, int total) {}

  BuildListener NONE = new BuildListener() {};
}
